/**
 * Raw Snappy block decompression (the format at github.com/google/snappy/blob/main/format_description.txt)
 * and the CRC-32 Avro appends to each snappy block. Small enough to own rather than add a dependency;
 * every length and offset is checked, so corrupt input throws instead of reading out of bounds.
 */

/** Snappy emits at most 64 bytes per 3 input bytes (a 2-byte-offset copy): a bound for a sane length. */
const MAX_RATIO = 22;

export function snappyUncompress(src: Uint8Array): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28) throw new Error('snappy data has no valid length header');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > MAX_RATIO * src.length + 64) {
    throw new Error(
      `snappy length header (${length} bytes) is impossible for ${src.length} compressed bytes`,
    );
  }
  const out = new Uint8Array(length);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const extra = n - 59;
        if (pos + extra > src.length) throw new Error('snappy literal length runs past the data');
        n = 0;
        for (let i = 0; i < extra; i++) n += src[pos + i]! * 2 ** (8 * i);
        pos += extra;
      }
      n += 1;
      if (pos + n > src.length || o + n > length) throw new Error('snappy literal runs past the data');
      out.set(src.subarray(pos, pos + n), o);
      pos += n;
      o += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= src.length) throw new Error('snappy copy runs past the data');
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else {
      const width = kind === 2 ? 2 : 4;
      if (pos + width > src.length) throw new Error('snappy copy runs past the data');
      n = (tag >>> 2) + 1;
      offset = 0;
      for (let i = 0; i < width; i++) offset += src[pos + i]! * 2 ** (8 * i);
      pos += width;
    }
    if (offset === 0 || offset > o) throw new Error(`snappy copy offset ${offset} points before the output`);
    if (o + n > length) throw new Error('snappy copy runs past the declared length');
    // Byte by byte: a copy may overlap its own output (offset < n repeats a pattern).
    for (let i = 0; i < n; i++, o++) out[o] = out[o - offset]!;
  }
  if (o !== length) throw new Error(`snappy data holds ${o} bytes, its header says ${length}`);
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as java.util.zip.CRC32), unsigned. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
