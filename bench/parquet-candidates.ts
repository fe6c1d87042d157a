/**
 * Throwaway-quality measurement behind docs/parquet-reader.md: which library decodes Parquet fast enough
 * (≥ 1 M rows/s into our Column values) in bounded memory, with bytes only through ByteSource.
 *
 *   npx tsx bench/parquet-candidates.ts <hyparquet|wasm|jobpub> [file.parquet] [rows]
 *
 * (The numbers in the doc were taken from a bundle, which spares tsx's loader thread and its memory:
 * npx esbuild bench/parquet-candidates.ts --bundle --platform=node --format=esm --packages=external
 * --outfile=bench/out/parquet-candidates.mjs && node bench/out/parquet-candidates.mjs jobpub)
 *
 * The file (default /tmp/narrow5m.parquet) is written first with pyarrow when missing: `rows` rows
 * (default 5 M) of int64, int32, double, decimal(18,4), string 10–40 chars, bool, date, timestamp(us, utc),
 * snappy, row groups of 1 M rows (16 M rows make a 1 GB file). hyparquet and parquet-wasm (with
 * apache-arrow) are not dependencies of jobpub: `npm install --no-save hyparquet-compressors@1.1.2
 * parquet-wasm@0.8.0 apache-arrow@21.2.0` before measuring them.
 *
 * One candidate per process, so the peak RSS (getrusage maxrss) belongs to that candidate alone. Every
 * value of every batch is fetched once with Column.get(), as a loader would, so lazy columns pay too.
 * CPU seconds are printed beside wall time because a shared machine makes wall time noisy.
 */

import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import type { Column, RecordBatch, Value } from '../src/domain/schema/index.js';
import { parquetReader } from '../src/formats/parquet/reader.js';
import type { ByteSource } from '../src/storage/byte-source.js';
import { localSource } from '../src/storage/local.js';

const [mode = 'jobpub', file = '/tmp/narrow5m.parquet', rowsArg = '5000000'] = process.argv.slice(2);

const GENERATE = String.raw`import sys, numpy as np, pyarrow as pa, pyarrow.parquet as pq, decimal
n = int(sys.argv[1]); out = sys.argv[2]; rg = 1_000_000
rng = np.random.default_rng(1)
writer = None
chunk = 1_000_000
for start in range(0, n, chunk):
    m = min(chunk, n - start)
    lens = rng.integers(10, 41, m)
    alphabet = np.frombuffer(b'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', dtype=np.uint8)
    flat = alphabet[rng.integers(0, len(alphabet), int(lens.sum()))]
    offs = np.concatenate([[0], np.cumsum(lens)]).astype(np.int32)
    s = pa.StringArray.from_buffers(m, pa.py_buffer(offs.tobytes()), pa.py_buffer(flat.tobytes()))
    unscaled = rng.integers(-10**15, 10**15, m)
    # decimal(18,4) from unscaled int64 via buffers
    lo = unscaled.astype(np.int64); hi = np.where(lo < 0, -1, 0).astype(np.int64)
    buf = np.empty(m * 2, dtype=np.int64); buf[0::2] = lo; buf[1::2] = hi
    dec = pa.Array.from_buffers(pa.decimal128(18, 4), m, [None, pa.py_buffer(buf.tobytes())])
    t = pa.table({
        'id': pa.array(np.arange(start, start + m, dtype=np.int64)),
        'qty': pa.array(rng.integers(-2**31, 2**31 - 1, m, dtype=np.int32)),
        'price': pa.array(rng.standard_normal(m) * 1000),
        'amount': dec,
        'name': s,
        'flag': pa.array(rng.integers(0, 2, m).astype(bool)),
        'day': pa.array(rng.integers(-20000, 30000, m, dtype=np.int32)).cast(pa.date32()),
        'ts': pa.array(rng.integers(-2**50, 2**50, m, dtype=np.int64)).cast(pa.timestamp('us', tz='UTC')),
    })
    if writer is None:
        writer = pq.ParquetWriter(out, t.schema, compression='snappy')
    writer.write_table(t, row_group_size=rg)
writer.close()
md = pq.ParquetFile(out).metadata
print(out, md.num_rows, md.num_row_groups)
`;
if (!existsSync(file)) execFileSync('python3', ['-c', GENERATE, rowsArg, file], { stdio: 'inherit' });
const BATCH = 65_536;

function asyncBuffer(src: ByteSource): AsyncBuffer {
  return {
    byteLength: src.size,
    async slice(start: number, end?: number) {
      const u8 = await src.read(start, end ?? src.size);
      return u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength
        ? (u8.buffer as ArrayBuffer)
        : (u8.slice().buffer as ArrayBuffer);
    },
  };
}

class SliceColumn implements Column {
  constructor(
    readonly values: ArrayLike<unknown>,
    readonly start: number,
    readonly length: number,
  ) {}
  get(i: number): Value {
    return (this.values[this.start + i] ?? null) as Value;
  }
}

/** hyparquet: one row group at a time, columnar (onChunk), decimals left raw (unscaled) by hiding DECIMAL. */
async function* hyparquetBatches(src: ByteSource): AsyncGenerator<RecordBatch> {
  const file = asyncBuffer(src);
  const metadata: FileMetaData = await parquetMetadataAsync(file);
  const raw: FileMetaData = {
    ...metadata,
    schema: metadata.schema.map((e) =>
      e.converted_type === 'DECIMAL' ? { ...e, converted_type: undefined, logical_type: undefined } : e,
    ),
  };
  const id = <T>(x: T) => x;
  const parsers = {
    timestampFromMilliseconds: id,
    timestampFromMicroseconds: id,
    timestampFromNanoseconds: id,
    dateFromDays: id,
    stringFromBytes: (b: Uint8Array | undefined) =>
      b && Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(),
    jsonFromBytes: id,
    geometryFromBytes: id,
    geographyFromBytes: id,
    uuidFromBytes: id,
  };
  const names = raw.schema.slice(1).map((e) => e.name);
  let groupStart = 0;
  for (const rg of raw.row_groups) {
    const n = Number(rg.num_rows);
    const cols = new Map<string, ArrayLike<unknown>>();
    await parquetRead({
      file,
      metadata: raw,
      rowStart: groupStart,
      rowEnd: groupStart + n,
      // biome-ignore lint/suspicious/noExplicitAny: bench only
      parsers: parsers as any,
      onChunk: (c) => {
        if (c.rowStart !== groupStart || c.rowEnd !== groupStart + n) throw new Error('partial chunk');
        cols.set(c.columnName, c.columnData as ArrayLike<unknown>);
      },
    });
    for (let at = 0; at < n; at += BATCH) {
      const len = Math.min(BATCH, n - at);
      yield { numRows: len, columns: names.map((nm) => new SliceColumn(cols.get(nm)!, at, len)) };
    }
    groupStart += n;
  }
}

/** parquet-wasm: ParquetFile over a Blob-like view of the ByteSource, Arrow IPC into apache-arrow, then our values. */
async function* wasmBatches(src: ByteSource): AsyncGenerator<RecordBatch> {
  // Not dependencies of jobpub: loaded by a computed name so the type check does not need them installed.
  // biome-ignore lint/suspicious/noExplicitAny: bench only
  const load = (name: string): Promise<any> => import(name);
  const wasm = await load('parquet-wasm');
  const arrow = await load('apache-arrow');
  class SourceBlob {
    constructor(
      readonly start: number,
      readonly end: number,
    ) {}
    get size() {
      return this.end - this.start;
    }
    slice(a = 0, b = this.size) {
      return new SourceBlob(this.start + a, this.start + Math.min(b, this.size));
    }
    async arrayBuffer() {
      return (await src.read(this.start, this.end)).slice().buffer;
    }
  }
  const pf = await wasm.ParquetFile.fromFile(new SourceBlob(0, src.size) as unknown as Blob);
  const groups = pf.metadata().numRowGroups();
  for (let g = 0; g < groups; g++) {
    const stream = await pf.stream({ rowGroups: [g], batchSize: BATCH });
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const table = arrow.tableFromIPC((value as { intoIPCStream(): Uint8Array }).intoIPCStream());
      for (const b of table.batches) yield { numRows: b.numRows, columns: b.data.children.map(arrowColumn) };
    }
  }
}

const utf8 = new TextDecoder();
/** Arrow data to our values, done as fast as I could: a closure per column, ASCII pages decoded once. */
// biome-ignore lint/suspicious/noExplicitAny: bench only
function arrowColumn(d: any): Column {
  const bitmap: Uint8Array | null = d.nullBitmap?.length ? d.nullBitmap : null;
  const off: number = d.offset;
  const t = d.type.typeId as number;
  const v = d.values;
  let get: (i: number) => Value;
  if (t === 5) {
    // Utf8: one decode per batch when ASCII, then substrings
    const o: Int32Array = d.valueOffsets;
    const lo = o[0]!;
    const hi = o[d.length]!;
    const all = Buffer.from(v.buffer, v.byteOffset + lo, hi - lo).toString('latin1');
    const ascii = isAscii(v.subarray(lo, hi));
    get = ascii
      ? (i) => all.substring(o[i]! - lo, o[i + 1]! - lo)
      : (i) => utf8.decode(v.subarray(o[i], o[i + 1]));
  } else if (t === 6) get = (i) => ((v[(off + i) >> 3] >> ((off + i) & 7)) & 1) === 1;
  else if (t === 7) {
    // Decimal128 of precision <= 18: the low 64-bit word is the value
    const b = new BigInt64Array(v.buffer, v.byteOffset, v.length / 2);
    get = (i) => b[(off + i) * 2]!;
  } else if (v instanceof BigInt64Array) get = (i) => v[i]!;
  else if (v instanceof Float64Array) get = (i) => v[i]!;
  else get = (i) => v[i] as Value;
  if (!bitmap) return { length: d.length, get };
  return { length: d.length, get: (i) => ((bitmap[(off + i) >> 3]! >> ((off + i) & 7)) & 1 ? get(i) : null) };
}

async function* jobpubBatches(src: ByteSource): AsyncGenerator<RecordBatch> {
  const opened = await parquetReader.open([src], { batchSize: BATCH });
  yield* opened.batches();
}

const src = await localSource(file);
const gen =
  mode === 'hyparquet' ? hyparquetBatches(src) : mode === 'wasm' ? wasmBatches(src) : jobpubBatches(src);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let rows = 0;
let nonNull = 0;
let peak = 0;
for await (const b of gen) {
  for (const c of b.columns) for (let i = 0; i < b.numRows; i++) if (c.get(i) !== null) nonNull++;
  rows += b.numRows;
  peak = Math.max(peak, process.memoryUsage.rss());
}
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const maxRss = process.resourceUsage().maxRSS / 1024;
console.log(
  `${mode}: ${rows} rows in ${secs.toFixed(2)} s = ${(rows / secs / 1e6).toFixed(2)} M rows/s ` +
    `(CPU ${cpuSecs.toFixed(2)} s = ${(rows / cpuSecs / 1e6).toFixed(2)} M rows per CPU-second); ` +
    `peak RSS ${maxRss.toFixed(0)} MB (sampled ${(peak / 2 ** 20).toFixed(0)} MB); ${nonNull} values`,
);
