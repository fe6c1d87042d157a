/**
 * The bit-level encodings of Parquet pages: varints, bit unpacking, the RLE / bit-packed hybrid (levels,
 * dictionary indices, RLE booleans) and BYTE_STREAM_SPLIT. The delta encodings are in delta.ts.
 * Everything works on a byte array and a position and returns the position after what it read.
 */

export function bitWidth(max: number): number {
  return max === 0 ? 0 : 32 - Math.clz32(max);
}

export function varint(buf: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let mul = 1;
  for (;;) {
    const b = buf[at.pos++];
    if (b === undefined) throw new Error('a varint runs past the end of the page');
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return result;
    mul *= 128;
  }
}

export function bigVarint(buf: Uint8Array, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[at.pos++];
    if (b === undefined) throw new Error('a varint runs past the end of the page');
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

/** Reads `count` values of `width` bits, LSB first, starting at byte `pos`, into out[outAt..]. */
export function unpack(
  buf: Uint8Array,
  pos: number,
  width: number,
  count: number,
  out: Int32Array,
  outAt: number,
): void {
  if (width === 0) {
    out.fill(0, outAt, outAt + count);
    return;
  }
  if (width <= 24) {
    const mask = (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < count; i++) {
      while (bits < width) {
        acc |= (buf[pos++] ?? 0) << bits;
        bits += 8;
      }
      out[outAt + i] = acc & mask;
      acc >>>= width;
      bits -= width;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    let v = 0;
    const bit0 = i * width;
    for (let b = 0; b < width; b++) {
      const bit = bit0 + b;
      if (((buf[pos + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) v += 2 ** b;
    }
    out[outAt + i] = v | 0;
  }
}

/**
 * The RLE / bit-packed hybrid: `count` values into `out`, from `pos` up to `end`. Returns the position
 * after the last run read.
 */
export function readHybrid(
  buf: Uint8Array,
  pos: number,
  end: number,
  width: number,
  count: number,
  out: Int32Array,
): number {
  return hybrid(buf, pos, end, width, count, out, -1).end;
}

/**
 * Levels, counting on the way how many equal `max` (the entries that hold a value): a column without
 * nulls is one RLE run, so its count costs nothing instead of a pass over every level.
 */
export function readLevels(
  buf: Uint8Array,
  pos: number,
  end: number,
  width: number,
  count: number,
  out: Int32Array,
  max: number,
): { end: number; atMax: number } {
  const r = hybrid(buf, pos, end, width, count, out, max);
  return { end: r.end, atMax: r.matches };
}

function hybrid(
  buf: Uint8Array,
  pos: number,
  end: number,
  width: number,
  count: number,
  out: Int32Array,
  countOf: number,
): { end: number; matches: number } {
  const at = { pos };
  const byteWidth = (width + 7) >> 3;
  let n = 0;
  let matches = 0;
  while (n < count) {
    if (at.pos >= end) throw new Error('RLE data ends before all values were read');
    const header = varint(buf, at);
    if (header & 1) {
      const total = (header >>> 1) * 8;
      const take = Math.min(total, count - n);
      unpack(buf, at.pos, width, take, out, n);
      if (countOf >= 0) for (let i = n; i < n + take; i++) if (out[i] === countOf) matches++;
      at.pos += (total * width) >> 3;
      n += take;
    } else {
      const run = Math.min(header >>> 1, count - n);
      let v = 0;
      for (let i = 0; i < byteWidth; i++) v += (buf[at.pos + i] ?? 0) * 2 ** (8 * i);
      at.pos += byteWidth;
      out.fill(v | 0, n, n + run);
      if (v === countOf) matches += run;
      n += run;
    }
  }
  return { end: at.pos, matches };
}

/** BYTE_STREAM_SPLIT: byte k of value i is at k * n + i. Returns the values' bytes in the usual order. */
export function unsplitBytes(buf: Uint8Array, pos: number, n: number, width: number): Uint8Array {
  if (pos + n * width > buf.length) throw new Error('BYTE_STREAM_SPLIT data is shorter than its values');
  const out = new Uint8Array(n * width);
  for (let k = 0; k < width; k++) {
    const from = pos + k * n;
    for (let i = 0; i < n; i++) out[i * width + k] = buf[from + i]!;
  }
  return out;
}
