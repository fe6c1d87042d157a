/**
 * Throwaway-quality measurement behind docs/parquet-reader.md: which library decodes Parquet fast enough
 * (≥ 1 M rows/s into our Column values) in bounded memory, with bytes only through ByteSource.
 *
 *   python3 bench/gen_narrow.py 5000000 /tmp/narrow5m.parquet      (pyarrow, snappy, 1 M-row groups)
 *   npx tsx bench/parquet-candidates.ts <hyparquet|wasm|jobpub> /tmp/narrow5m.parquet
 *
 * One candidate per process, so the peak RSS (getrusage maxrss) belongs to that candidate alone. Every
 * value of every batch is fetched once with Column.get(), as a loader would, so lazy columns pay too.
 */
import { parquetMetadataAsync, parquetRead } from 'hyparquet';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import type { Column, RecordBatch, Value } from '../src/domain/schema/index.js';
import { parquetReader } from '../src/formats/parquet/reader.js';
import type { ByteSource } from '../src/storage/byte-source.js';
import { localSource } from '../src/storage/local.js';

const [mode = 'jobpub', file = '/tmp/narrow5m.parquet'] = process.argv.slice(2);
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

class ArrayLike implements Column {
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
    stringFromBytes: (b: Uint8Array | undefined) => b && Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString(),
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
      yield { numRows: len, columns: names.map((nm) => new ArrayLike(cols.get(nm)!, at, len)) };
    }
    groupStart += n;
  }
}

/** parquet-wasm: ParquetFile over a Blob-like view of the ByteSource, Arrow IPC into apache-arrow, then our values. */
async function* wasmBatches(src: ByteSource): AsyncGenerator<RecordBatch> {
  const wasm = await import('parquet-wasm');
  const arrow = await import('apache-arrow');
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
// biome-ignore lint/suspicious/noExplicitAny: bench only
function arrowColumn(d: any): Column {
  const valid = (i: number) => !d.nullBitmap || d.nullBitmap.length === 0 || (d.nullBitmap[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1;
  const t = d.type.typeId as number;
  const v = d.values;
  const get = (() => {
    switch (t) {
      case 5: // Utf8
        return (i: number) => utf8.decode(v.subarray(d.valueOffsets[i], d.valueOffsets[i + 1]));
      case 6: // Bool
        return (i: number) => ((v[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 1;
      case 7: // Decimal: four little-endian 32-bit words
        return (i: number) => {
          const w = (i + d.offset) * 4;
          const lo = (BigInt(v[w + 1]) << 32n) | BigInt(v[w]);
          const hi = (BigInt(v[w + 3]) << 32n) | BigInt(v[w + 2]);
          return BigInt.asIntN(128, (hi << 64n) | lo);
        };
      default:
        return (i: number) => v[i] as Value;
    }
  })();
  return { length: d.length, get: (i) => (valid(i) ? get(i) : null) };
}

async function* jobpubBatches(src: ByteSource): AsyncGenerator<RecordBatch> {
  const opened = await parquetReader.open([src], { batchSize: BATCH });
  yield* opened.batches();
}

const src = await localSource(file);
const gen = mode === 'hyparquet' ? hyparquetBatches(src) : mode === 'wasm' ? wasmBatches(src) : jobpubBatches(src);
const t0 = performance.now();
let rows = 0;
let nonNull = 0;
let peak = 0;
for await (const b of gen) {
  for (const c of b.columns) for (let i = 0; i < b.numRows; i++) if (c.get(i) !== null) nonNull++;
  rows += b.numRows;
  peak = Math.max(peak, process.memoryUsage.rss());
}
const secs = (performance.now() - t0) / 1000;
const maxRss = process.resourceUsage().maxRSS / 1024;
console.log(
  `${mode}: ${rows} rows in ${secs.toFixed(2)} s = ${(rows / secs / 1e6).toFixed(2)} M rows/s; ` +
    `peak RSS ${maxRss.toFixed(0)} MB (sampled ${(peak / 2 ** 20).toFixed(0)} MB); ${nonNull} values`,
);
