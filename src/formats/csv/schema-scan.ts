import { field, type Schema } from '../../domain/schema/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { checkSameColumns, columnNames } from './header.js';
import {
  type ColumnInference,
  needsRecheck,
  newColumn,
  observe,
  observeNull,
  recheck,
  rechecked,
  resolve,
} from './infer.js';
import type { CsvOptions } from './options.js';
import { type PartHandler, scanPart } from './part-scan.js';
import { NULL_FIELD } from './record.js';

export interface CsvScan {
  readonly schema: Schema;
  /** Rows per part, in part order: the second read must find the same. */
  readonly rowCounts: readonly number[];
}

/**
 * The first pass: every value of every part is seen, so the schema holds all of them (infer.ts), the
 * parts are checked to start alike, and the rows are counted.
 */
export async function scanSchema(parts: readonly ByteSource[], options: CsvOptions): Promise<CsvScan> {
  let names: string[] | undefined;
  let columns: ColumnInference[] = [];
  const rowCounts: number[] = [];
  for (const part of parts) {
    let rows = 0;
    const handler: PartHandler = {
      first(record) {
        if (names === undefined) {
          names = columnNames(record, options.header, part.name);
          columns = names.map(() => newColumn());
        } else checkSameColumns(names, parts[0]!.name, record, options.header, part.name);
      },
      row(record) {
        const { text, starts, ends } = record;
        for (let c = 0; c < columns.length; c++) {
          const start = starts[c]!;
          if (start >= 0) observe(columns[c]!, text, start, ends[c]!);
          else if (start === NULL_FIELD) observeNull(columns[c]!);
          else {
            const value = record.unescaped[c]!;
            observe(columns[c]!, value, 0, value.length);
          }
        }
        rows++;
      },
    };
    for await (const _ of scanPart(part, options, handler)) {
      // the handler has taken in the chunk's rows
    }
    rowCounts.push(rows);
  }
  if (columns.some(needsRecheck)) await recheckParts(parts, options, columns);
  const fields = (names ?? []).map((name, c) => {
    const { type, nullable } = resolve(columns[c]!);
    return field(name, type, nullable);
  });
  return { schema: { fields }, rowCounts };
}

/** A third read, rare: only the columns whose type waits on numbers not yet checked (infer.ts needsRecheck). */
async function recheckParts(parts: readonly ByteSource[], options: CsvOptions, columns: ColumnInference[]) {
  const targets = columns.flatMap((col, c) => (needsRecheck(col) ? [c] : []));
  const handler: PartHandler = {
    first() {},
    row(record) {
      for (const c of targets) {
        const start = record.starts[c]!;
        if (start >= 0) recheck(columns[c]!, record.text, start, record.ends[c]!);
        else if (start !== NULL_FIELD) {
          const value = record.unescaped[c]!;
          recheck(columns[c]!, value, 0, value.length);
        }
      }
    },
  };
  for (const part of parts) {
    for await (const _ of scanPart(part, options, handler)) {
      // the handler has looked at the chunk's rows
    }
  }
  for (const c of targets) rechecked(columns[c]!);
}
