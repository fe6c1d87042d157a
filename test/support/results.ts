import type { Schema, Value } from '../../src/domain/schema/index.js';
import { batchFromRows } from '../../src/domain/schema/index.js';
import type { OpenedResults, ResultFormat } from '../../src/formats/reader.js';

/** Results held in memory, in batches of `batchSize` rows: for cases no fixture file has. */
export function memoryResults(
  schema: Schema,
  rows: readonly (readonly Value[])[],
  batchSize = 2,
  format: ResultFormat = 'pqt',
): OpenedResults {
  return {
    format,
    schema,
    rowCount: rows.length,
    files: [],
    async *batches() {
      for (let i = 0; i < rows.length; i += batchSize) {
        yield batchFromRows(rows.slice(i, i + batchSize), schema.fields.length);
      }
    },
  };
}

/** The same results with only the rows whose index `keep` accepts. */
export function keepRows(results: OpenedResults, keep: (row: number) => boolean): OpenedResults {
  let count = 0;
  for (let i = 0; i < results.rowCount; i++) if (keep(i)) count++;
  const width = results.schema.fields.length;
  return {
    format: results.format,
    schema: results.schema,
    rowCount: count,
    files: results.files,
    async *batches() {
      let base = 0;
      for await (const b of results.batches()) {
        const rows: Value[][] = [];
        for (let i = 0; i < b.numRows; i++) {
          if (keep(base + i)) rows.push(b.columns.map((c) => c.get(i)));
        }
        base += b.numRows;
        if (rows.length > 0) yield batchFromRows(rows, width);
      }
    },
  };
}

/** Rows sorted by their JSON text: compare tables without depending on the order rows come back in. */
export const sortByJson = <T>(rows: readonly T[]): T[] =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, r]) => r);
