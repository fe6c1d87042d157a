import { bigVarint, unpack, varint } from './encodings.js';

/**
 * The DELTA encodings: DELTA_BINARY_PACKED (int32 / int64), and the two byte-array encodings built on
 * it, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY (front coding).
 */
const unzigzag = (n: bigint): bigint => (n >> 1n) ^ -(n & 1n);

/** Bit-unpacks one miniblock of deltas wider than 32 bits (rare: only int64 columns with huge jumps). */
function unpackBig(buf: Uint8Array, pos: number, width: number, count: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) {
    let v = 0n;
    const bit0 = i * width;
    for (let b = 0; b < width; b++) {
      const bit = bit0 + b;
      if (((buf[pos + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) v |= 1n << BigInt(b);
    }
    out.push(v);
  }
  return out;
}

/**
 * DELTA_BINARY_PACKED into an Int32Array (int32 arithmetic wraps, as writers compute it) or a
 * BigInt64Array. Returns the values and the position after the last miniblock that held values.
 */
export function readDeltaBinaryPacked<T extends Int32Array | BigInt64Array>(
  buf: Uint8Array,
  pos: number,
  make: (n: number) => T,
  limit: number,
): { values: T; end: number } {
  const at = { pos };
  const blockSize = varint(buf, at);
  const miniblocks = varint(buf, at);
  const total = varint(buf, at);
  if (total > limit) throw new Error(`a DELTA header claims ${total} values in a page of ${limit}`);
  const perMini = blockSize / miniblocks;
  if (!Number.isInteger(perMini) || perMini % 8 !== 0)
    throw new Error('a DELTA_BINARY_PACKED header is corrupt');
  const values = make(total);
  const big = values instanceof BigInt64Array;
  let prev = unzigzag(bigVarint(buf, at));
  let prevNum = Number(BigInt.asIntN(32, prev));
  if (total > 0) values[0] = (big ? BigInt.asIntN(64, prev) : prevNum) as never;
  const scratch = new Int32Array(perMini);
  let n = 1;
  while (n < total) {
    const minDelta = unzigzag(bigVarint(buf, at));
    const minNum = Number(BigInt.asIntN(32, minDelta));
    const widths = buf.subarray(at.pos, at.pos + miniblocks);
    at.pos += miniblocks;
    for (let m = 0; m < miniblocks && n < total; m++) {
      const width = widths[m] ?? 0;
      const take = Math.min(perMini, total - n);
      if (big && width > 32) {
        const deltas = unpackBig(buf, at.pos, width, take);
        for (let i = 0; i < take; i++) {
          prev = BigInt.asIntN(64, prev + minDelta + deltas[i]!);
          values[n++] = prev as never;
        }
      } else {
        unpack(buf, at.pos, width, take, scratch, 0);
        if (big) {
          for (let i = 0; i < take; i++) {
            prev = BigInt.asIntN(64, prev + minDelta + BigInt(scratch[i]! >>> 0));
            values[n++] = prev as never;
          }
        } else {
          for (let i = 0; i < take; i++) {
            prevNum = (prevNum + minNum + (scratch[i]! >>> 0)) | 0;
            values[n++] = prevNum as never;
          }
        }
      }
      at.pos += (perMini * width) >> 3;
    }
  }
  return { values, end: at.pos };
}

/** Variable-length byte strings: value i is data[starts[i], ends[i]). */
export interface ByteArrays {
  readonly data: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export function readDeltaLengthByteArray(
  buf: Uint8Array,
  pos: number,
  limit: number,
): { values: ByteArrays; end: number } {
  const { values: lengths, end } = readDeltaBinaryPacked(buf, pos, (n) => new Int32Array(n), limit);
  const starts = new Int32Array(lengths.length);
  const ends = new Int32Array(lengths.length);
  let p = end;
  for (let i = 0; i < lengths.length; i++) {
    starts[i] = p;
    p += lengths[i]!;
    ends[i] = p;
  }
  if (p > buf.length) throw new Error('DELTA_LENGTH_BYTE_ARRAY data runs past the end of the page');
  return { values: { data: buf, starts, ends }, end: p };
}

/** DELTA_BYTE_ARRAY (incremental / front coding): each value is a prefix of the previous one plus a suffix. */
export function readDeltaByteArray(buf: Uint8Array, pos: number, limit: number): ByteArrays {
  const { values: prefixes, end } = readDeltaBinaryPacked(buf, pos, (n) => new Int32Array(n), limit);
  const { values: suffixes } = readDeltaLengthByteArray(buf, end, limit);
  if (suffixes.starts.length !== prefixes.length)
    throw new Error('DELTA_BYTE_ARRAY prefixes and suffixes disagree');
  const n = prefixes.length;
  let size = 0;
  for (let i = 0; i < n; i++) size += prefixes[i]! + suffixes.ends[i]! - suffixes.starts[i]!;
  const data = new Uint8Array(size);
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const prefix = prefixes[i]!;
    starts[i] = p;
    if (prefix > 0) {
      if (i === 0 || prefix > ends[i - 1]! - starts[i - 1]!)
        throw new Error('DELTA_BYTE_ARRAY prefix is longer than the previous value');
      data.copyWithin(p, starts[i - 1]!, starts[i - 1]! + prefix);
    }
    p += prefix;
    data.set(buf.subarray(suffixes.starts[i]!, suffixes.ends[i]!), p);
    p += suffixes.ends[i]! - suffixes.starts[i]!;
    ends[i] = p;
  }
  return { data, starts, ends };
}
