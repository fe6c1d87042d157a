import type { LogicalType, TimeUnit, Value } from '../../domain/schema/index.js';
import { inputError } from '../../errors/index.js';
import { toJsonText } from '../encode/json-text.js';
import { duplicateKeyGuard } from './jsonb-keys.js';

/**
 * PostgreSQL's binary COPY format: a header, then per row a field count and each field as a length and
 * the type's binary form (`-1` for NULL), then a trailer. The binary form is the *column's* type, so an
 * encoder exists only for a (results type, column type) pair it can write exactly; when any column has
 * none, the loader uses the text format instead (which lets the server convert, e.g. int32 into bigint).
 */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** A growable output buffer; the loader takes it whole when it is large enough to send. */
export class BinaryOut {
  buf = Buffer.allocUnsafe(1 << 20);
  off = 0;

  room(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.off));
    this.off = 0;
    return out;
  }
}

export type BinaryField = (o: BinaryOut, v: Value, row: number) => void;

export const BINARY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
export const BINARY_TRAILER = Buffer.from([0xff, 0xff]);

const PG_EPOCH_DAYS = 10_957; // 2000-01-01
const PG_EPOCH_US = 946_684_800_000_000n;
const PG_EPOCH_US_N = 946_684_800_000_000;
const US_PER_DAY = 86_400_000_000n;

const int16 = (o: BinaryOut, n: number) => {
  o.room(6);
  o.off = o.buf.writeInt32BE(2, o.off);
  o.off = o.buf.writeInt16BE(n, o.off);
};
const int32 = (o: BinaryOut, n: number) => {
  o.room(8);
  o.off = o.buf.writeInt32BE(4, o.off);
  o.off = o.buf.writeInt32BE(n, o.off);
};
const TWO_32 = 4_294_967_296;
/** An 8-byte integer; the common safe-integer case without BigInt arithmetic. */
const int64 = (o: BinaryOut, n: bigint) => {
  o.room(12);
  o.off = o.buf.writeInt32BE(8, o.off);
  o.off = o.buf.writeBigInt64BE(n, o.off);
};
const int64n = (o: BinaryOut, n: number) => {
  if (!Number.isSafeInteger(n)) return int64(o, BigInt(n));
  o.room(12);
  o.off = o.buf.writeInt32BE(8, o.off);
  const hi = Math.floor(n / TWO_32);
  o.off = o.buf.writeInt32BE(hi, o.off);
  o.off = o.buf.writeUInt32BE(n - hi * TWO_32, o.off);
};
/** int64 from a bigint: through a double when that is exact (it nearly always is). */
const int64b = (o: BinaryOut, v: bigint) => {
  const n = Number(v);
  if (Number.isSafeInteger(n)) int64n(o, n);
  else int64(o, v);
};
const utf8 = (o: BinaryOut, s: string, prefix?: number) => {
  const extra = prefix === undefined ? 0 : 1;
  o.room(4 + extra + s.length * 3);
  const at = o.off;
  o.off += 4;
  if (prefix !== undefined) o.buf[o.off++] = prefix;
  o.off += o.buf.write(s, o.off, 'utf8');
  o.buf.writeInt32BE(o.off - at - 4, at);
};

/**
 * numeric's binary form: base-10000 digits (most significant first), the weight of the first digit,
 * the sign and the display scale. Leading and trailing zero digits are not sent.
 */
export function writeNumeric(o: BinaryOut, unscaled: bigint, scale: number): void {
  if (unscaled < SMALL && unscaled > -SMALL) writeSmallNumeric(o, Number(unscaled), scale);
  else writeNumericDigits(o, unscaled, scale);
}

/** The general case, from the decimal digits of any unscaled value. */
export function writeNumericDigits(o: BinaryOut, unscaled: bigint, scale: number): void {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const intLen = digits.length - scale;
  const lead = (4 - (intLen % 4)) % 4; // zeros in front, so the integer part is whole groups
  const padded = '0'.repeat(lead) + digits + '0'.repeat((4 - (scale % 4)) % 4);
  const groups = padded.length / 4;
  let first = 0;
  let last = groups;
  while (first < groups && padded.startsWith('0000', first * 4)) first++;
  while (last > first && padded.startsWith('0000', (last - 1) * 4)) last--;
  const n = last - first;
  const weight = (lead + intLen) / 4 - 1 - first;
  o.room(12 + 2 * n);
  o.off = o.buf.writeInt32BE(8 + 2 * n, o.off);
  o.off = o.buf.writeInt16BE(n, o.off);
  o.off = o.buf.writeInt16BE(n === 0 ? 0 : weight, o.off);
  o.off = o.buf.writeUInt16BE(neg && n > 0 ? 0x4000 : 0, o.off);
  o.off = o.buf.writeUInt16BE(scale, o.off);
  for (let g = first; g < last; g++)
    o.off = o.buf.writeUInt16BE(Number(padded.slice(g * 4, g * 4 + 4)), o.off);
}

const SMALL = 2n ** 43n;
const POW10 = [1, 10, 100, 1000];
const MAX_GROUPS = 5; // 2^43 * 1000 < 10^16: at most four groups, one spare
const groupScratch: number[] = new Array(MAX_GROUPS).fill(0);

/**
 * numeric for |unscaled| < 2^43 in double arithmetic (exact: aligned to whole groups of four digits it
 * stays below 2^53). Groups are cut from the least significant end.
 */
export function writeSmallNumeric(o: BinaryOut, unscaled: number, scale: number): void {
  const neg = unscaled < 0;
  const shift = (4 - (scale % 4)) % 4;
  let rest = (neg ? -unscaled : unscaled) * POW10[shift]!;
  let weight = -(scale + shift) / 4; // weight of the least significant group
  while (rest > 0 && rest % 10_000 === 0) {
    rest /= 10_000;
    weight++;
  }
  let n = 0;
  while (rest > 0) {
    const q = Math.floor(rest / 10_000);
    groupScratch[n++] = rest - q * 10_000;
    rest = q;
  }
  o.room(12 + 2 * n);
  o.off = o.buf.writeInt32BE(8 + 2 * n, o.off);
  o.off = o.buf.writeInt16BE(n, o.off);
  o.off = o.buf.writeInt16BE(n === 0 ? 0 : weight + n - 1, o.off);
  o.off = o.buf.writeUInt16BE(neg && n > 0 ? 0x4000 : 0, o.off);
  o.off = o.buf.writeUInt16BE(scale, o.off);
  for (let g = n - 1; g >= 0; g--) o.off = o.buf.writeUInt16BE(groupScratch[g]!, o.off);
}

/** Microseconds from a count in `unit`; nanosecond digits are refused by value, as the text encoder does. */
function toMicros(unit: TimeUnit, column: string): (v: bigint, row: number) => bigint {
  if (unit === 'us') return (v) => v;
  if (unit === 'ms') return (v) => v * 1000n;
  return (v, row) => {
    if (v % 1000n !== 0n) {
      throw inputError(
        'TARGET_REJECTED',
        'value has nanosecond digits the target cannot keep (it keeps us); nothing was written',
        { column, row: row + 1 },
      );
    }
    return v / 1000n;
  };
}

/**
 * UTF-8 text, checked for NUL on the way. Short ASCII strings (most of them) are copied in a JS loop, which
 * is cheaper than a native call per value; anything else goes through Buffer.write.
 */
function text(column: string): BinaryField {
  return (o, v, row) => {
    const s = v as string;
    const n = s.length;
    o.room(4 + n * 3);
    const buf = o.buf;
    const start = o.off + 4;
    let at = start;
    let i = 0;
    if (n <= 64) {
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === 0 || c > 0x7f) break;
        buf[at++] = c;
      }
    }
    if (i < n) {
      if (s.includes('\0', i)) {
        throw inputError(
          'TARGET_REJECTED',
          'PostgreSQL text cannot hold a NUL character (\\u0000); nothing was written',
          {
            column,
            row: row + 1,
          },
        );
      }
      at += buf.write(i === 0 ? s : s.slice(i), at, 'utf8');
    }
    buf.writeInt32BE(at - start, o.off);
    o.off = at;
  };
}

/** The binary encoder for a results type into a column of type `oid`, or undefined when there is none. */
export function binaryField(type: LogicalType, oid: number, column: string): BinaryField | undefined {
  switch (type.kind) {
    case 'boolean':
      if (oid !== OID.bool) return undefined;
      return (o, v) => {
        o.room(5);
        o.off = o.buf.writeInt32BE(1, o.off);
        o.buf[o.off++] = v ? 1 : 0;
      };
    case 'int': {
      const big = type.bits === 64;
      if (oid === OID.numeric) return (o, v) => writeNumeric(o, big ? (v as bigint) : BigInt(v as number), 0);
      const width = type.signed ? type.bits : type.bits + 1; // bits the values need, sign included
      if (oid === OID.int8 && width <= 64)
        return big ? (o, v) => int64(o, v as bigint) : (o, v) => int64(o, BigInt(v as number));
      if (oid === OID.int4 && width <= 32) return (o, v) => int32(o, v as number);
      if (oid === OID.int2 && width <= 16) return (o, v) => int16(o, v as number);
      return undefined;
    }
    case 'float':
    case 'double':
      if (oid === OID.float8) {
        return (o, v) => {
          o.room(12);
          o.off = o.buf.writeInt32BE(8, o.off);
          o.off = o.buf.writeDoubleBE(v as number, o.off);
        };
      }
      if (oid === OID.float4 && type.kind === 'float') {
        return (o, v) => {
          o.room(8);
          o.off = o.buf.writeInt32BE(4, o.off);
          o.off = o.buf.writeFloatBE(v as number, o.off);
        };
      }
      return undefined;
    case 'decimal':
      return oid === OID.numeric ? (o, v) => writeNumeric(o, v as bigint, type.scale) : undefined;
    case 'string':
      return oid === OID.text || oid === OID.varchar || oid === OID.bpchar ? text(column) : undefined;
    case 'binary':
      if (oid !== OID.bytea) return undefined;
      return (o, v) => {
        const b = v as Uint8Array;
        o.room(4 + b.length);
        o.off = o.buf.writeInt32BE(b.length, o.off);
        o.buf.set(b, o.off);
        o.off += b.length;
      };
    case 'date':
      if (oid === OID.date) return (o, v) => int32(o, (v as number) - PG_EPOCH_DAYS);
      if (oid === OID.timestamp || oid === OID.timestamptz) {
        return (o, v) => int64b(o, BigInt(v as number) * US_PER_DAY - PG_EPOCH_US);
      }
      return undefined;
    case 'time': {
      if (oid !== OID.time) return undefined;
      const us = toMicros(type.unit, column);
      return (o, v, row) => int64b(o, us(v as bigint, row));
    }
    case 'timestamp': {
      // Both ways the same microseconds: UTC instants as UTC wall time, wall time taken as UTC (compat.ts).
      if (oid !== OID.timestamp && oid !== OID.timestamptz) return undefined;
      if (type.unit === 'us') {
        // The common case: shift the epoch in double arithmetic when that is exact.
        return (o, v) => {
          const x = Number(v as bigint);
          const n = x - PG_EPOCH_US_N;
          if (Number.isSafeInteger(x) && Number.isSafeInteger(n)) int64n(o, n);
          else int64(o, (v as bigint) - PG_EPOCH_US);
        };
      }
      const us = toMicros(type.unit, column);
      return (o, v, row) => int64b(o, us(v as bigint, row) - PG_EPOCH_US);
    }
    case 'uuid':
      if (oid !== OID.uuid) return undefined;
      return (o, v) => {
        o.room(20);
        o.off = o.buf.writeInt32BE(16, o.off);
        o.off += o.buf.write((v as string).replace(/-/g, ''), o.off, 'hex');
      };
    case 'list':
    case 'struct':
    case 'map': {
      if (oid === OID.json) return (o, v) => utf8(o, toJsonText(type, v));
      if (oid !== OID.jsonb) return undefined;
      const guard = duplicateKeyGuard(type, column);
      return (o, v, row) => {
        guard?.(v, row);
        utf8(o, toJsonText(type, v), 1); // jsonb: version 1, then the text
      };
    }
  }
}

/** Appends one row: the field count, then each field (or -1 for NULL). */
export function binaryRow(fields: readonly BinaryField[]) {
  const width = fields.length;
  return (o: BinaryOut, values: readonly { get(i: number): Value }[], i: number, row: number): void => {
    o.room(2);
    o.off = o.buf.writeInt16BE(width, o.off);
    for (let c = 0; c < width; c++) {
      const v = values[c]!.get(i);
      if (v === null) {
        o.room(4);
        o.off = o.buf.writeInt32BE(-1, o.off);
      } else fields[c]!(o, v, row);
    }
  };
}
