import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { Cursor, Overrun } from './cursor.js';
import type { AvroHeader } from './header.js';

/**
 * Counts a file's rows at open time without decoding any: each block starts with its row count and byte
 * size, so we hop from header to header, checking every sync marker on the way. Reads are windows that
 * start at a sync marker: one read covers the marker and the next block's header. While blocks are small
 * the windows are large (every byte is read anyway, so fewer and larger reads are cheaper, on S3 above
 * all); once blocks are large, small windows skip their data.
 */
const LARGE_WINDOW = 1024 * 1024;
const SMALL_WINDOW = 16 * 1024;
/** Blocks at least this large are skipped with small windows rather than read through. */
const LARGE_BLOCK = 256 * 1024;
/** Two varint longs: the most a block header can take. */
const MAX_BLOCK_HEADER = 20;

export interface BlockHeader {
  /** 1-based, as error messages name it. */
  readonly index: number;
  /** Byte offset of the block's header in the file. */
  readonly offset: number;
  readonly count: number;
  readonly size: number;
}

/** `headerWindow`: the bytes readHeader read from offset 0, the first window. */
export async function countRows(
  source: ByteSource,
  header: AvroHeader,
  headerWindow: Uint8Array,
): Promise<number> {
  const file = source.name;
  let windowStart = 0;
  let window = headerWindow;
  let windowSize = LARGE_WINDOW;
  /** Bytes [at, at + n) from the window, re-reading it from `at` when they are not all in it. */
  const bytesAt = async (at: number, n: number): Promise<Cursor> => {
    const want = Math.min(at + n, source.size);
    if (at < windowStart || want > windowStart + window.length) {
      windowStart = at;
      window = await source.read(at, Math.min(source.size, at + Math.max(n, windowSize)));
    }
    return new Cursor(window, at - windowStart, want - windowStart);
  };

  let rows = 0;
  let pos = header.dataStart;
  for (let index = 1; pos < source.size; index++) {
    const block = parseBlockHeader(await bytesAt(pos, MAX_BLOCK_HEADER), index, pos, file);
    const dataStart = pos + block.headerLength;
    const syncAt = dataStart + block.size;
    windowSize = block.size >= LARGE_BLOCK ? SMALL_WINDOW : LARGE_WINDOW;
    if (syncAt + 16 > source.size) {
      throw inputError(
        'RESULTS_INVALID',
        `truncated: block ${index} (byte offset ${pos}) declares ${block.size} bytes of data and a sync marker, ` +
          `but the file ends ${source.size - dataStart} bytes after its header`,
        { file },
      );
    }
    checkSync((await bytesAt(syncAt, 16 + MAX_BLOCK_HEADER)).fixedView(16), header.sync, index, pos, file);
    rows += block.count;
    pos = syncAt + 16;
  }
  return rows;
}

/** A block's row count and data size from a cursor at its start, with the header's length. */
export function parseBlockHeader(
  c: Cursor,
  index: number,
  offset: number,
  file: string,
): BlockHeader & { headerLength: number } {
  const start = c.pos;
  let count: number;
  let size: number;
  try {
    count = c.longNumber();
    size = c.longNumber();
  } catch (e) {
    const problem =
      e instanceof Overrun
        ? `truncated: the file ends inside the header of block ${index} (byte offset ${offset})`
        : `block ${index} (byte offset ${offset}) has a corrupt header: ${(e as Error).message}`;
    throw inputError('RESULTS_INVALID', problem, { file }, { cause: e });
  }
  if (count < 0 || size < 0) {
    throw inputError(
      'RESULTS_INVALID',
      `block ${index} (byte offset ${offset}) has a corrupt header: negative ${count < 0 ? 'row count' : 'size'}`,
      { file },
    );
  }
  return { index, offset, count, size, headerLength: c.pos - start };
}

export function checkSync(
  found: Uint8Array,
  sync: Uint8Array,
  index: number,
  offset: number,
  file: string,
): void {
  for (let i = 0; i < 16; i++) {
    if (found[i] !== sync[i]) {
      throw inputError(
        'RESULTS_INVALID',
        `bad sync marker after block ${index} (byte offset ${offset}): the file is corrupt or was not written whole`,
        { file },
      );
    }
  }
}
