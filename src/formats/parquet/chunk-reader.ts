import type { ByteSource } from '../../storage/byte-source.js';
import { readStruct, ThriftEndOfInput, type ThriftStruct } from './thrift.js';

/**
 * Reads the pages of one column chunk front to back through the ByteSource, a window at a time, so a
 * row group never has to be in memory whole: what is held per column is one window (or one page, when a
 * page is larger) and the page being decoded. This is what keeps memory bounded by the page size rather
 * than by the row-group size (Spark writes 128 MB row groups).
 */
const WINDOW = 1 << 20;
/** Page headers are small; one bigger than this (huge inline statistics) means a corrupt file. */
const MAX_HEADER = 16 << 20;

export const PAGE_DATA = 0;
export const PAGE_INDEX = 1;
export const PAGE_DICTIONARY = 2;
export const PAGE_DATA_V2 = 3;

export interface PageHeader {
  readonly type: number;
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly numValues: number;
  readonly encoding: number;
  /** Data page v2 only. */
  readonly numNulls: number;
  readonly defLevelsBytes: number;
  readonly repLevelsBytes: number;
  readonly isCompressed: boolean;
  /** Data page v1: how the levels are encoded (3 = RLE, 4 = the deprecated BIT_PACKED). */
  readonly levelEncoding: number;
}

export interface RawPage {
  readonly header: PageHeader;
  /** The page body as stored (still compressed). */
  readonly body: Uint8Array;
}

export class ChunkReader {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private pos: number;
  private ahead: { readonly start: number; readonly bytes: Promise<Uint8Array> } | undefined;

  constructor(
    private readonly source: ByteSource,
    start: number,
    private readonly end: number,
    private readonly fail: (problem: string) => Error,
  ) {
    this.pos = start;
  }

  /** The next page, or undefined at the end of the chunk. */
  async next(): Promise<RawPage | undefined> {
    if (this.pos >= this.end) return undefined;
    const header = await this.readHeader();
    const body = await this.bytes(this.pos, header.compressedSize);
    this.pos += header.compressedSize;
    return { header, body };
  }

  private async readHeader(): Promise<PageHeader> {
    for (let want = 256; ; want *= 4) {
      const avail = await this.bytes(this.pos, Math.min(want, this.end - this.pos));
      try {
        const { value, end } = readStruct(avail, 0);
        this.pos += end;
        return toHeader(value, this.fail);
      } catch (e) {
        if (!(e instanceof ThriftEndOfInput))
          throw this.fail(`a page header is corrupt (${(e as Error).message})`);
        if (avail.length >= this.end - this.pos || want >= MAX_HEADER) {
          throw this.fail('the column chunk ends inside a page header (the file is truncated or corrupt)');
        }
      }
    }
  }

  /** Bytes [at, at + n) of the file, from the window when they are in it, else through refill(). */
  private async bytes(at: number, n: number): Promise<Uint8Array> {
    if (at + n > this.end)
      throw this.fail('a page runs past the end of its column chunk (the file is corrupt)');
    const from = at - this.bufStart;
    if (from >= 0 && from + n <= this.buf.length) return this.buf.subarray(from, from + n);
    return this.refill(at, n);
  }

  /**
   * Moves to the next window (the one read ahead when it continues where this one ends) and asks for the
   * one after it at once, so reading overlaps decoding. A request that straddles the two windows is
   * copied out alone; the windows themselves are never joined.
   */
  private async refill(at: number, n: number): Promise<Uint8Array> {
    const bufEnd = this.bufStart + this.buf.length;
    const tail = at >= this.bufStart && at < bufEnd ? this.buf.subarray(at - this.bufStart) : undefined;
    const start = tail ? bufEnd : at;
    const need = at + n - start;
    const ahead = this.ahead;
    this.ahead = undefined;
    let next =
      ahead && ahead.start === start
        ? await ahead.bytes
        : await this.source.read(start, Math.min(this.end, start + Math.max(WINDOW, need)));
    if (next.length < need)
      next = concat([next, await this.source.read(start + next.length, start + need)], need);
    this.buf = next;
    this.bufStart = start;
    const nextEnd = start + next.length;
    if (nextEnd < this.end) {
      const bytes = this.source.read(nextEnd, Math.min(this.end, nextEnd + WINDOW));
      bytes.catch(() => {}); // surfaces when awaited; never an unhandled rejection if not
      this.ahead = { start: nextEnd, bytes };
    }
    if (!tail) return next.subarray(0, n);
    return concat([tail, next.subarray(0, n - tail.length)], n);
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function int(s: ThriftStruct | undefined, field: number, fallback = 0): number {
  const v = s?.[field];
  return typeof v === 'number' ? v : fallback;
}

function toHeader(h: ThriftStruct, fail: (problem: string) => Error): PageHeader {
  const type = int(h, 1, -1);
  const compressedSize = int(h, 3, -1);
  const uncompressedSize = int(h, 2, -1);
  if (type < 0 || compressedSize < 0 || uncompressedSize < 0) throw fail('a page header is corrupt');
  const v1 = h[5] as ThriftStruct | undefined;
  const dict = h[7] as ThriftStruct | undefined;
  const v2 = h[8] as ThriftStruct | undefined;
  const common = { type, uncompressedSize, compressedSize };
  if (type === PAGE_DATA_V2) {
    return {
      ...common,
      numValues: int(v2, 1),
      numNulls: int(v2, 2),
      encoding: int(v2, 4),
      defLevelsBytes: int(v2, 5),
      repLevelsBytes: int(v2, 6),
      isCompressed: v2?.[7] !== false,
      levelEncoding: 3,
    };
  }
  const s = type === PAGE_DICTIONARY ? dict : v1;
  return {
    ...common,
    numValues: int(s, 1),
    encoding: int(s, 2),
    numNulls: 0,
    defLevelsBytes: 0,
    repLevelsBytes: 0,
    isCompressed: true,
    levelEncoding: int(s, 3, 3),
  };
}
