import { Buffer, isAscii } from 'node:buffer';
import type { Value } from '../../domain/schema/index.js';
import type { ByteArrays } from './delta.js';
import type { Physical } from './plain.js';
import type { Run } from './runs.js';

/**
 * From physical values to the values of values.ts. Each leaf column gets one conversion, chosen once
 * from its schema; dictionary pages are converted once and then shared by every data page that indexes
 * them. Typed arrays are returned as they are wherever their elements already are the right JS values
 * (int32 → number, int64 → bigint), so the common columns cost no per-value work here.
 */
export type Conversion =
  | 'boolean'
  | 'number' // int8/16/32, uint8/16, date, float, double: the typed array as it is
  | 'uint32'
  | 'int64' // int64, time(us/ns), timestamp, decimal stored as INT64
  | 'uint64'
  | 'widen' // INT32 to bigint: time(ms), decimal stored as INT32
  | 'int96' // already nanoseconds since the epoch
  | 'string'
  | 'binary'
  | 'decimal-bytes'
  | 'uuid'
  | 'float16';

export function convert(conv: Conversion, p: Physical): Run {
  if (conv === 'boolean') return { kind: 'bool', v: p.v as Uint8Array };
  if (conv === 'string') return text(p.v as ByteArrays);
  return { kind: 'array', v: values(conv, p) };
}

function values(conv: Conversion, p: Physical): ArrayLike<Value> {
  switch (conv) {
    case 'boolean':
    case 'string':
      throw new Error(`${conv} values are not held as an array`);
    case 'number':
      return p.v as Int32Array | Float32Array | Float64Array;
    case 'uint32': {
      const v = p.v as Int32Array;
      return new Uint32Array(v.buffer, v.byteOffset, v.length);
    }
    case 'int64':
      return p.v as BigInt64Array;
    case 'uint64': {
      const v = p.v as BigInt64Array;
      return new BigUint64Array(v.buffer, v.byteOffset, v.length);
    }
    case 'widen':
      return BigInt64Array.from(p.v as Int32Array, (x) => BigInt(x));
    case 'int96':
      return p.v as bigint[];
    case 'binary':
      return mapBytes(p.v as ByteArrays, (d, s, e) => d.slice(s, e));
    case 'decimal-bytes':
      return decimals(p.v as ByteArrays);
    case 'uuid':
      return mapBytes(p.v as ByteArrays, uuid);
    case 'float16':
      return mapBytes(p.v as ByteArrays, float16);
  }
}

function mapBytes<T>(b: ByteArrays, f: (data: Uint8Array, start: number, end: number) => T): T[] {
  const n = b.starts.length;
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = f(b.data, b.starts[i]!, b.ends[i]!);
  return out;
}

/** UTF-8 text: when the page's bytes are all ASCII (the usual case) they are decoded once, here. */
function text(b: ByteArrays): Run {
  const n = b.starts.length;
  const bytes = Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  const lo = n > 0 ? b.starts[0]! : 0;
  const hi = n > 0 ? b.ends[n - 1]! : 0;
  const ascii = hi >= lo && isAscii(bytes.subarray(lo, hi)) ? bytes.toString('latin1', lo, hi) : null;
  return { kind: 'text', ascii, lo, bytes, starts: b.starts, ends: b.ends };
}

/**
 * Decimals stored as big-endian two's-complement bytes. Eight-byte values (what Arrow writers use up to
 * precision 18) go straight into a BigInt64Array; other widths become bigints one by one.
 */
function decimals(b: ByteArrays): ArrayLike<bigint> {
  const n = b.starts.length;
  const view = new DataView(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  let all8 = true;
  for (let i = 0; i < n && all8; i++) all8 = b.ends[i]! - b.starts[i]! === 8;
  if (all8) {
    // Byte-swapped word by word into the array's memory: no bigint is made until a value is read.
    const words = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const at = b.starts[i]!;
      words[2 * i] = view.getInt32(at + 4, false);
      words[2 * i + 1] = view.getInt32(at, false);
    }
    return new BigInt64Array(words.buffer);
  }
  const out: bigint[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = signedBigEndian(view, b.starts[i]!, b.ends[i]!);
  return out;
}

/** A big-endian two's-complement integer of any width. */
export function signedBigEndian(view: DataView, start: number, end: number): bigint {
  const len = end - start;
  if (len === 0) return 0n;
  if (len <= 6) {
    let v = 0;
    for (let i = start; i < end; i++) v = v * 256 + view.getUint8(i);
    if (view.getUint8(start) >= 0x80) v -= 2 ** (8 * len);
    return BigInt(v);
  }
  let v = 0n;
  let i = start;
  for (; (end - i) % 4 !== 0; i++) v = (v << 8n) | BigInt(view.getUint8(i));
  for (; i < end; i += 4) v = (v << 32n) | BigInt(view.getUint32(i, false));
  return BigInt.asIntN(len * 8, v);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function uuid(d: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) {
    const k = i - start;
    if (k === 4 || k === 6 || k === 8 || k === 10) s += '-';
    s += HEX[d[i]!];
  }
  return s;
}

/** IEEE half precision (little-endian) to a number; our float type holds it exactly. */
function float16(d: Uint8Array, start: number): number {
  const bits = d[start]! | (d[start + 1]! << 8);
  const sign = bits >> 15 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
