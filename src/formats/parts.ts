import type { RecordBatch, Schema } from '../domain/schema/index.js';
import { schemaDifference } from '../domain/schema/index.js';
import { inputError } from '../errors/index.js';
import type { ByteSource } from '../storage/byte-source.js';
import type { OpenedResults, ResultFormat } from './reader.js';

/** One part file of a self-describing format (Parquet, Avro), opened: schema and row count read. */
export interface OpenedPart {
  readonly schema: Schema;
  readonly rowCount: number;
  batches(): AsyncIterable<RecordBatch>;
}

/**
 * Joins the parts of a self-describing format into one result. Every part must carry the same schema;
 * a difference names both files and the first column that differs.
 */
export async function combineParts(
  format: ResultFormat,
  parts: readonly ByteSource[],
  openPart: (source: ByteSource) => Promise<OpenedPart>,
): Promise<OpenedResults> {
  if (parts.length === 0) throw inputError('RESULTS_EMPTY', 'no part files to read', {});
  const opened: OpenedPart[] = [];
  for (const part of parts) opened.push(await openPart(part));
  const first = opened[0]!;
  for (let i = 1; i < opened.length; i++) {
    const diff = schemaDifference(first.schema, opened[i]!.schema);
    if (diff !== undefined) {
      throw inputError('RESULTS_SCHEMA_MISMATCH', `schema differs from ${parts[0]!.name}: ${diff}`, {
        file: parts[i]!.name,
      });
    }
  }
  return {
    format,
    schema: first.schema,
    rowCount: opened.reduce((n, p) => n + p.rowCount, 0),
    files: parts.map((p) => p.name),
    partSizes: parts.map((p) => p.size),
    sources: parts,
    async *batches() {
      for (const part of opened) yield* part.batches();
    },
  };
}
