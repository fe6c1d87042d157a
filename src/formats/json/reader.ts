import { ArrayColumn, type RecordBatch, type Schema, schema, type Value } from '../../domain/schema/index.js';
import { inputError, isJobpubError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { DEFAULT_BATCH_SIZE, type FormatReader, type OpenedResults, type ReadOptions } from '../reader.js';
import { newShape, resolveColumns, type Shape } from './infer.js';
import { InferParser, NotAnObject } from './infer-parser.js';
import { JsonSyntaxError } from './lexer.js';
import type { RowGroup } from './row-group.js';
import { readRows } from './rows.js';
import { Plan, ValueParser } from './value-parser.js';

/**
 * JSON results (JSON Lines, or one top-level array of objects), read twice: the first pass checks every
 * row and infers the schema from all of them, across every part (infer.ts), and counts the rows; the
 * second converts and batches. A part with no rows is accepted beside others (Spark can write empty
 * parts); a result with no rows, or no keys in any row, is refused: there is no column to publish.
 */
export const jsonReader: FormatReader = {
  format: 'json',
  async open(parts: readonly ByteSource[], options: ReadOptions = {}): Promise<OpenedResults> {
    if (parts.length === 0) throw inputError('RESULTS_EMPTY', 'no part files to read', {});
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw inputError('USAGE', `batchSize must be a positive integer, not ${batchSize}`, {});
    }
    const rows = newShape();
    const counts: number[] = [];
    for (const part of parts) counts.push(await inferPart(part, rows));
    const rowCount = counts.reduce((a, b) => a + b, 0);
    const where = { file: parts[0]!.name };
    const others = parts.length > 1 ? ` (nor do the other ${parts.length - 1} part files)` : '';
    if (rowCount === 0) {
      throw inputError('RESULTS_INVALID', `holds no JSON rows${others}: no columns can be inferred`, where);
    }
    const fields = resolveColumns(rows);
    if (fields.length === 0) {
      throw inputError(
        'RESULTS_INVALID',
        `every row is an empty object${others}: there are no columns`,
        where,
      );
    }
    const result = schema(fields);
    return {
      format: 'json',
      schema: result,
      rowCount,
      files: parts.map((p) => p.name),
      partSizes: parts.map((p) => p.size),
      batches: () => readBatches(parts, counts, result, batchSize),
    };
  },
};

/** The first pass over one part: every row checked and noted into `rows`; returns the part's row count. */
async function inferPart(part: ByteSource, rows: Shape): Promise<number> {
  const parser = new InferParser();
  let n = 0;
  for await (const g of readRows(part)) {
    const { text, starts, ends } = g;
    for (let k = 0; k < starts.length; k++) {
      try {
        parser.row(rows, text, starts[k]!, ends[k]!);
      } catch (e) {
        throw located(g, k, e);
      }
    }
    n += starts.length;
  }
  return n;
}

function located(g: RowGroup, k: number, e: unknown): unknown {
  if (e instanceof JsonSyntaxError) return g.syntaxError(k, e.offset, e.message);
  if (e instanceof NotAnObject) return g.notObject(k, e.what);
  return e;
}

async function* readBatches(
  parts: readonly ByteSource[],
  counts: readonly number[],
  result: Schema,
  batchSize: number,
): AsyncGenerator<RecordBatch> {
  const plan = new Plan({ kind: 'struct', fields: result.fields });
  const parser = new ValueParser();
  const width = result.fields.length;
  const row = new Array<Value>(width);
  // Each batch's columns are allocated at their final length: the row count is known from the first pass.
  let left = counts.reduce((a, b) => a + b, 0);
  let cols = newColumns(width, Math.min(batchSize, left));
  let n = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    let seen = 0;
    for await (const g of readRows(part)) {
      const { text, starts, ends } = g;
      for (let k = 0; k < starts.length; k++) {
        try {
          parser.rowInto(plan, text, starts[k]!, ends[k]!, row);
        } catch (e) {
          throw isJobpubError(e) ? e : changed(part, e);
        }
        if (n === cols[0]!.length) throw changed(part, undefined); // more rows than the first pass counted
        for (let c = 0; c < width; c++) cols[c]![n] = row[c]!;
        if (++n === batchSize) {
          yield { numRows: n, columns: cols.map((v) => new ArrayColumn(v)) };
          left -= n;
          cols = newColumns(width, Math.min(batchSize, left));
          n = 0;
        }
      }
      seen += starts.length;
    }
    if (seen !== counts[p]) throw changed(part, undefined);
  }
  if (n > 0) yield { numRows: n, columns: cols.map((v) => new ArrayColumn(v)) };
}

function newColumns(width: number, length: number): Value[][] {
  return Array.from({ length: width }, () => new Array<Value>(length));
}

/** The second pass found what the first did not: the file was rewritten while it was being read. */
function changed(part: ByteSource, cause: unknown) {
  return inputError(
    'RESULTS_INVALID',
    'the file changed between the inference pass and the read pass',
    { file: part.name },
    { cause },
  );
}
