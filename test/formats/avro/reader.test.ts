import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, renderRow } from '../../../src/domain/schema/index.js';
import { avroReader } from '../../../src/formats/avro/reader.js';
import type { ByteSource } from '../../../src/storage/byte-source.js';
import { FIXTURES } from '../../support/cases.js';
import { concat, container, record, source, str, zigzag } from './avro-bytes.js';

/** A ByteSource over bytes that streams in `chunk`-byte pieces and records every read. */
function instrumented(name: string, bytes: Uint8Array, chunk: number) {
  const log = { reads: [] as [number, number][], streamsClosed: 0 };
  const src: ByteSource = {
    name,
    size: bytes.length,
    async read(start, end) {
      log.reads.push([start, end]);
      return bytes.subarray(start, end);
    },
    async *stream(start = 0, end = bytes.length) {
      try {
        for (let at = start; at < end; at += chunk) yield bytes.subarray(at, Math.min(end, at + chunk));
      } finally {
        log.streamsClosed++;
      }
    },
  };
  return { src, log };
}

async function readRows(src: ByteSource | ByteSource[], batchSize?: number) {
  const results = await avroReader.open(Array.isArray(src) ? src : [src], batchSize ? { batchSize } : {});
  const rows: { [key: string]: Json }[] = [];
  const sizes: number[] = [];
  for await (const b of results.batches()) {
    sizes.push(b.numRows);
    for (let i = 0; i < b.numRows; i++) rows.push(renderRow(results.schema, b, i));
  }
  return { results, rows, sizes };
}

async function readError(bytes: Uint8Array): Promise<string> {
  try {
    await readRows(source('bad.avro', bytes));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const fixture = (name: string) => {
  const c = JSON.parse(readFileSync(path.join(FIXTURES, 'avro', `${name}.case.json`), 'utf8'));
  return { bytes: new Uint8Array(readFileSync(path.join(FIXTURES, 'avro', c.path))), rows: c.rows as Json[] };
};

describe('avro reader: streaming', () => {
  it.each([1, 7, 64, 4096])(
    'decodes the same rows whatever the stream chunk size (%i bytes)',
    async (chunk) => {
      for (const name of ['blocks_snappy', 'blocks_deflate', 'nested', 'types']) {
        const f = fixture(name);
        const { src } = instrumented(`${name}.avro`, f.bytes, chunk);
        const { rows, sizes } = await readRows(src, 5);
        expect(rows, name).toEqual(f.rows);
        expect(Math.max(...sizes, 0)).toBeLessThanOrEqual(5);
      }
    },
  );

  it('counts rows at open from block headers alone: a few small reads, no whole-file read', async () => {
    const f = fixture('blocks_null');
    const { src, log } = instrumented('blocks_null.avro', f.bytes, 100);
    const results = await avroReader.open([src]);
    expect(results.rowCount).toBe(60);
    // The header window, then windows that start at sync markers; the file is smaller than one window here.
    expect(log.reads.length).toBeLessThanOrEqual(2);
    expect(log.reads.every(([s, e]) => e - s <= 64 * 1024)).toBe(true);
  });

  it('hops from block to block with one small read per block when blocks are large', async () => {
    const schema = record({ s: 'string' });
    const big = str('x'.repeat(300_000));
    const bytes = container(schema, [
      { count: 1, data: big },
      { count: 1, data: big },
      { count: 1, data: big },
    ]);
    const { src, log } = instrumented('big.avro', bytes, 1 << 20);
    const results = await avroReader.open([src]);
    expect(results.rowCount).toBe(3);
    // The header's window (which holds block 1's header too), then one window at each block's sync marker.
    expect(log.reads.length).toBe(4);
    expect(log.reads.reduce((n, [s, e]) => n + e - s, 0)).toBeLessThan(64 * 1024 + 3 * 16 * 1024);
  });

  it('closes the file stream when the consumer stops early', async () => {
    const f = fixture('blocks_deflate');
    const { src, log } = instrumented('blocks_deflate.avro', f.bytes, 50);
    const results = await avroReader.open([src], { batchSize: 3 });
    for await (const _ of results.batches()) break;
    expect(log.streamsClosed).toBe(1);
  });

  it('reads a header larger than its first read window', async () => {
    const schema = { ...(record({ a: 'int' }) as object), doc: 'd'.repeat(200_000) };
    const bytes = container(schema, [{ count: 2, data: concat(zigzag(1), zigzag(-2)) }]);
    expect((await readRows(source('doc.avro', bytes))).rows).toEqual([{ a: 1 }, { a: -2 }]);
  });

  it('reads arrays of empty records and blocks with byte sizes (negative counts)', async () => {
    const schema = record({ e: { type: 'array', items: record({}) }, m: { type: 'map', values: 'int' } });
    const data = concat(zigzag(-3), zigzag(0), [0], zigzag(-1), zigzag(3), str('k'), zigzag(7), [0]);
    const { rows } = await readRows(source('empty.avro', container(schema, [{ count: 1, data }])));
    expect(rows).toEqual([{ e: [{}, {}, {}], m: [{ key: 'k', value: 7 }] }]);
  });

  it('treats a missing or empty avro.codec as null', async () => {
    const data = zigzag(5);
    const schema = record({ a: 'long' });
    expect((await readRows(source('x.avro', container(schema, [{ count: 1, data }], '')))).rows).toEqual([
      { a: '5' },
    ]);
  });

  it('refuses a batch size that is not a positive integer', async () => {
    const bytes = container(record({ a: 'int' }), []);
    await expect(avroReader.open([source('x.avro', bytes)], { batchSize: 0 })).rejects.toThrow('batchSize');
  });
});

describe('avro reader: values no writer should produce', () => {
  const one = (type: unknown, data: Uint8Array | number[]) =>
    readError(container(record({ v: type }), [{ count: 1, data: concat(data) }]));

  it('names the file, block, row and field of a bad value', async () => {
    const bytes = container(record({ id: 'int', v: ['null', 'int'] }), [
      { count: 2, data: concat([2, 0, 4, 4]) },
    ]);
    const blockAt = bytes.length - 16 - 4 - 2; // the block: count, size, 4 data bytes, sync
    expect(await readError(bytes)).toBe(
      `bad.avro: row 2: column "v": block 1 (byte offset ${blockAt}): union branch index 2 is out of range (the union has 2 branches)`,
    );
  });

  it('refuses out-of-range enums, bad UUIDs, times outside a day and decimals wider than their precision', async () => {
    expect(await one({ type: 'enum', name: 'E', symbols: ['A'] }, zigzag(1))).toContain(
      'enum index 1 is out of range',
    );
    expect(await one({ type: 'string', logicalType: 'uuid' }, str('not-a-uuid'))).toContain(
      '"not-a-uuid" is not a UUID',
    );
    expect(await one({ type: 'int', logicalType: 'time-millis' }, zigzag(86_400_000))).toContain(
      'outside one day',
    );
    expect(await one({ type: 'long', logicalType: 'time-micros' }, zigzag(-1))).toContain('outside one day');
    const dec = { type: 'bytes', logicalType: 'decimal', precision: 2, scale: 1 };
    expect(await one(dec, concat(zigzag(1), [100]))).toContain('more than the 2 digits');
    expect(await one('string', concat(zigzag(2), [0xc3, 0x28]))).toContain('not valid UTF-8');
  });

  it('names the deepest field of a bad nested value', async () => {
    const type = { type: 'array', items: record({ inner: { type: 'map', values: 'boolean' } }) };
    const msg = await one(type, concat(zigzag(1), zigzag(1), str('k'), [7]));
    expect(msg).toContain('column "v[].inner{}"');
    expect(msg).toContain('invalid boolean byte 7');
  });

  it('refuses an item count larger than the block before looping over it', async () => {
    const msg = await one({ type: 'array', items: 'long' }, concat(zigzag(2 ** 40), [0]));
    expect(msg).toContain(`a block of ${2 ** 40} items overruns the data`);
  });

  it('refuses corrupt block headers and a truncated first block', async () => {
    const ok = container(record({ a: 'int' }), [{ count: 1, data: zigzag(1) }]);
    const start = ok.length - 16 - 1 - 2; // count, size, data, sync
    const negative = concat(ok.subarray(0, start), zigzag(-1), ok.subarray(start + 1));
    expect(await readError(negative)).toContain('negative row count');
    expect(await readError(ok.subarray(0, start + 1))).toContain(
      'truncated: the file ends inside the header of block 1',
    );
  });

  it('names both files when parts differ', async () => {
    const a = container(record({ a: 'int' }), []);
    const b = container(record({ a: 'long' }), []);
    await expect(avroReader.open([source('p0.avro', a), source('p1.avro', b)])).rejects.toThrow(
      'p1.avro: schema differs from p0.avro: column 1: "a" int32 not null vs "a" int64 not null',
    );
  });
});
