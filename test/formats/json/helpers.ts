import { type Json, printSchema, renderRow } from '../../../src/domain/schema/index.js';
import { jsonReader } from '../../../src/formats/json/reader.js';
import type { ReadOptions } from '../../../src/formats/reader.js';
import type { ByteSource } from '../../../src/storage/byte-source.js';

/** A source over `bytes` that streams in chunks of the given sizes (cycled), to split tokens anywhere. */
export function chunkedSource(
  name: string,
  bytes: Uint8Array | string,
  sizes: readonly number[] = [1 << 20],
): ByteSource {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return {
    name,
    size: data.byteLength,
    async read(start, end) {
      return data.subarray(start, end);
    },
    async *stream(start = 0, end = data.byteLength) {
      let k = 0;
      for (let at = start; at < end; ) {
        const n = sizes[k++ % sizes.length]!;
        yield data.subarray(at, Math.min(end, at + n));
        at += n;
      }
    },
  };
}

export interface ReadBack {
  schema: { name: string; type: string; nullable: boolean }[];
  rowCount: number;
  rows: { [key: string]: Json }[];
  batchSizes: number[];
}

/** Opens parts with the JSON reader and renders every row canonically. */
export async function readJson(parts: ByteSource[], options: ReadOptions = {}): Promise<ReadBack> {
  const results = await jsonReader.open(parts, options);
  const rows: { [key: string]: Json }[] = [];
  const batchSizes: number[] = [];
  for await (const b of results.batches()) {
    batchSizes.push(b.numRows);
    for (let i = 0; i < b.numRows; i++) rows.push(renderRow(results.schema, b, i));
  }
  return { schema: printSchema(results.schema), rowCount: results.rowCount, rows, batchSizes };
}

/** The message of the error that reading throws (fails the test when nothing is thrown). */
export async function readError(parts: ByteSource[], options: ReadOptions = {}): Promise<string> {
  try {
    await readJson(parts, options);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the read to fail');
}

/** The printed type of every column, by name. */
export function types(r: ReadBack): Record<string, string> {
  return Object.fromEntries(r.schema.map((f) => [f.name, `${f.type}${f.nullable ? '' : ' not null'}`]));
}
