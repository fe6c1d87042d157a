import type { ByteArrays } from './delta.js';

/**
 * Physical values as decoded from a page, before any logical meaning is given to them. Fixed-width numbers
 * land in typed arrays (one copy, aligned); byte strings stay as offsets into the page, so no per-value
 * object is made until the converter knows whether they are text, decimals, UUIDs or binary.
 */
export type Physical =
  | { readonly kind: 'bool'; readonly v: Uint8Array }
  | { readonly kind: 'int32'; readonly v: Int32Array }
  | { readonly kind: 'int64'; readonly v: BigInt64Array }
  | { readonly kind: 'int96'; readonly v: bigint[] }
  | { readonly kind: 'float'; readonly v: Float32Array }
  | { readonly kind: 'double'; readonly v: Float64Array }
  | { readonly kind: 'bytes'; readonly v: ByteArrays };

export type PhysicalType =
  | 'BOOLEAN'
  | 'INT32'
  | 'INT64'
  | 'INT96'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BYTE_ARRAY'
  | 'FIXED_LEN_BYTE_ARRAY';

/** Bytes per value of the fixed-width physical types (byte-stream-split and plain both need it). */
export function fixedWidth(type: PhysicalType, typeLength: number): number {
  switch (type) {
    case 'INT32':
    case 'FLOAT':
      return 4;
    case 'INT64':
    case 'DOUBLE':
      return 8;
    case 'INT96':
      return 12;
    case 'FIXED_LEN_BYTE_ARRAY':
      return typeLength;
    default:
      return 0;
  }
}

function need(buf: Uint8Array, end: number): void {
  if (end > buf.length) throw new Error('PLAIN values run past the end of the page');
}

/** Days between the Julian day number epoch and 1970-01-01, for INT96 timestamps. */
const JULIAN_UNIX_EPOCH = 2_440_588n;
const NANOS_PER_DAY = 86_400_000_000_000n;

/** Fixed-width values laid end to end (PLAIN, or BYTE_STREAM_SPLIT once un-split). */
export function fromFixed(
  type: PhysicalType,
  buf: Uint8Array,
  pos: number,
  n: number,
  typeLength: number,
): Physical {
  const width = fixedWidth(type, typeLength);
  need(buf, pos + n * width);
  const copy = () => buf.slice(pos, pos + n * width).buffer;
  switch (type) {
    case 'INT32':
      return { kind: 'int32', v: new Int32Array(copy()) };
    case 'INT64':
      return { kind: 'int64', v: new BigInt64Array(copy()) };
    case 'FLOAT':
      return { kind: 'float', v: new Float32Array(copy()) };
    case 'DOUBLE':
      return { kind: 'double', v: new Float64Array(copy()) };
    case 'INT96': {
      // 8 bytes of nanoseconds in the day, then a 4-byte Julian day number (Impala / Hive / Spark legacy).
      const view = new DataView(buf.buffer, buf.byteOffset + pos, n * 12);
      const v: bigint[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const nanos = view.getBigInt64(i * 12, true);
        const day = BigInt(view.getInt32(i * 12 + 8, true));
        v[i] = (day - JULIAN_UNIX_EPOCH) * NANOS_PER_DAY + nanos;
      }
      return { kind: 'int96', v };
    }
    case 'FIXED_LEN_BYTE_ARRAY': {
      const starts = new Int32Array(n);
      const ends = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        starts[i] = pos + i * width;
        ends[i] = pos + (i + 1) * width;
      }
      return { kind: 'bytes', v: { data: buf, starts, ends } };
    }
    default:
      throw new Error(`${type} values are not fixed-width`);
  }
}

/** PLAIN-encoded values of any physical type: `n` values from `pos`. */
export function readPlain(
  type: PhysicalType,
  buf: Uint8Array,
  pos: number,
  n: number,
  typeLength: number,
): Physical {
  if (type === 'BOOLEAN') {
    need(buf, pos + ((n + 7) >> 3));
    const v = new Uint8Array(n);
    for (let i = 0; i < n; i++) v[i] = (buf[pos + (i >> 3)]! >> (i & 7)) & 1;
    return { kind: 'bool', v };
  }
  if (type === 'BYTE_ARRAY') {
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let p = pos;
    for (let i = 0; i < n; i++) {
      need(buf, p + 4);
      const len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
      starts[i] = p + 4;
      p += 4 + len;
      ends[i] = p;
    }
    need(buf, p);
    return { kind: 'bytes', v: { data: buf, starts, ends } };
  }
  return fromFixed(type, buf, pos, n, typeLength);
}
