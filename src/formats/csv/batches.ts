import {
  ArrayColumn,
  formatType,
  type RecordBatch,
  type Schema,
  type Value,
} from '../../domain/schema/index.js';
import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { converterFor } from './convert.js';
import { checkSameColumns } from './header.js';
import type { CsvOptions } from './options.js';
import { type PartHandler, scanPart } from './part-scan.js';
import { NULL_FIELD } from './record.js';

/**
 * The second pass: every part read again and its values converted to the inferred types, in batches of
 * at most options.batchSize rows (a batch never spans two parts). A value that no longer fits, or a row
 * count that differs from the first pass, means the file changed in between: an error, never a NULL.
 */
export async function* readBatches(
  parts: readonly ByteSource[],
  schema: Schema,
  options: CsvOptions,
  rowCounts: readonly number[],
): AsyncGenerator<RecordBatch> {
  const names = schema.fields.map((f) => f.name);
  const converters = schema.fields.map((f) => converterFor(f.type));
  const width = names.length;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    const file = part.name;
    const expected = rowCounts[p]!;
    const changed = (problem: string, line?: number, column?: string) =>
      inputError('RESULTS_INVALID', `${problem}: the file changed while it was being read`, {
        file,
        line,
        column,
      });
    const columns = (rows: number) => Array.from({ length: width }, () => new Array<Value>(rows));
    let done = 0;
    let filled = 0;
    let values = columns(Math.min(options.batchSize, expected));
    const ready: RecordBatch[] = [];
    const handler: PartHandler = {
      first(record) {
        checkSameColumns(names, parts[0]!.name, record, options.header, file);
      },
      row(record) {
        if (done === expected) {
          throw changed(`more rows than the ${expected} the first read counted`, record.line);
        }
        const { text, starts, ends } = record;
        for (let c = 0; c < width; c++) {
          const start = starts[c]!;
          let v: Value | undefined = null;
          if (start >= 0) v = converters[c]!(text, start, ends[c]!);
          else if (start !== NULL_FIELD) {
            const value = record.unescaped[c]!;
            v = converters[c]!(value, 0, value.length);
          }
          if (v === undefined) {
            const type = formatType(schema.fields[c]!.type);
            const shown = JSON.stringify(record.value(c));
            throw changed(`the value ${shown} no longer fits ${type}`, record.line, names[c]);
          }
          values[c]![filled] = v;
        }
        done++;
        if (++filled === values[0]!.length) {
          ready.push({ numRows: filled, columns: values.map((v) => new ArrayColumn(v)) });
          values = columns(Math.min(options.batchSize, expected - done));
          filled = 0;
        }
      },
    };
    for await (const _ of scanPart(part, options, handler)) {
      for (const batch of ready) yield batch;
      ready.length = 0;
    }
    if (done !== expected) throw changed(`${done} rows where the first read counted ${expected}`);
  }
}
