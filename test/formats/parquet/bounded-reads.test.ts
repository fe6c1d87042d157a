import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetReader } from '../../../src/formats/parquet/reader.js';
import { type ByteSource, memorySource } from '../../../src/storage/byte-source.js';

/**
 * What the golden files cannot show: which bytes the reader asks for. A ByteSource that records every
 * read proves that the first batch costs the footer and the first row group only, and that no single
 * read is a whole column chunk (so memory follows the page size, not the row-group size).
 */
interface Recorded extends ByteSource {
  reads: [number, number][];
}

function recording(inner: ByteSource): Recorded {
  const reads: [number, number][] = [];
  return {
    name: inner.name,
    size: inner.size,
    reads,
    read(start, end) {
      reads.push([start, end]);
      return inner.read(start, end);
    },
    stream: () => {
      throw new Error('a Parquet reader must not stream the whole file');
    },
  };
}

let dir: string;
let bytes: Uint8Array;

beforeAll(() => {
  // 4 row groups of 150,000 rows; each string chunk is about 4 MB, the int64 ones 1.2 MB.
  dir = mkdtempSync(path.join(tmpdir(), 'jobpub-pq-reads-'));
  const file = path.join(dir, 'groups.parquet');
  const script = [
    'import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.parquet as pq',
    'n = 600_000',
    'ids = pa.array(range(n), pa.int64())',
    "key = pc.utf8_lpad(pc.cast(ids, pa.string()), 8, '0')",
    "s = pc.binary_join_element_wise('row-', key, '-row-', key, '-', '')",
    "t = pa.table({'id': ids, 's': s})",
    "pq.write_table(t, sys.argv[1], row_group_size=150_000, use_dictionary=False, compression='none')",
  ].join('\n');
  execFileSync('python3', ['-c', script, file]);
  bytes = new Uint8Array(readFileSync(file));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WINDOW = 1 << 20;

describe('parquet reads through ByteSource, a window at a time', () => {
  it('reads the footer and one row group for the first batch, not the file', async () => {
    const src = recording(memorySource('groups.parquet', bytes));
    const opened = await parquetReader.open([src], { batchSize: 1000 });
    expect(opened.rowCount).toBe(600_000);
    const it = opened.batches()[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value?.numRows).toBe(1000);
    expect(first.value?.columns[1]?.get(999)).toBe('row-00000999-row-00000999-');
    await it.return?.(undefined);
    const read = src.reads.reduce((n, [a, b]) => n + (b - a), 0);
    // Footer + up to two windows (one in use, one read ahead) per column.
    expect(read).toBeLessThan(4 * WINDOW + 64 * 1024);
    expect(read).toBeLessThan(bytes.length / 4);
  });

  it('never reads more than a window at once, and reads each byte about once over the whole file', async () => {
    const src = recording(memorySource('groups.parquet', bytes));
    const opened = await parquetReader.open([src], { batchSize: 65_536 });
    let rows = 0;
    let last: unknown;
    for await (const b of opened.batches()) {
      rows += b.numRows;
      last = b.columns[0]!.get(b.numRows - 1);
    }
    expect(rows).toBe(600_000);
    expect(last).toBe(599_999n);
    const largest = Math.max(...src.reads.map(([a, b]) => b - a));
    expect(largest).toBeLessThanOrEqual(WINDOW);
    const total = src.reads.reduce((n, [a, b]) => n + (b - a), 0);
    expect(total).toBeLessThan(bytes.length * 1.05);
  });
});
