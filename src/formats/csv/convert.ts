import { type LogicalType, unitsPerSecond, type Value } from '../../domain/schema/index.js';
import {
  exactInDouble,
  NUM_DECIMAL,
  NUM_INT,
  NUM_NONE,
  newNumberScan,
  newTimestampScan,
  scanBoolean,
  scanDate,
  scanNumber,
  scanTimestamp,
  toDouble,
} from './lexical.js';

/** The value text[start, end) as the value of an inferred type (values.ts), or undefined when it does not fit. */
export type Converter = (text: string, start: number, end: number) => Value | undefined;

const num = newNumberScan();
const ts = newTimestampScan();

/**
 * The converter for a column type that infer.ts chose. It accepts exactly what inference accepted for
 * that type, so undefined can only mean the file changed between the two reads.
 */
export function converterFor(type: LogicalType): Converter {
  switch (type.kind) {
    case 'string':
      return (s, start, end) => s.slice(start, end);
    case 'boolean':
      return scanBoolean;
    case 'int':
      return toInt64;
    case 'decimal':
      return decimalConverter(type.precision, type.scale);
    case 'double':
      return (s, start, end) =>
        scanNumber(s, start, end, num) !== NUM_NONE && exactInDouble(s, start, end, num)
          ? toDouble(s, start, end, num)
          : undefined;
    case 'date':
      return scanDate;
    case 'timestamp':
      return timestampConverter(unitsPerSecond(type.unit), type.unit === 'ns' ? 9 : 6, type.utc);
    default:
      throw new Error(`CSV inference never yields ${type.kind}`);
  }
}

function toInt64(s: string, start: number, end: number): Value | undefined {
  if (scanNumber(s, start, end, num) !== NUM_INT || num.beyondInt64) return undefined;
  // Short integers go through a number (exact below 2^53), which is cheaper than parsing a string.
  if (num.mantissa >= 0) return BigInt(num.negative ? -num.mantissa : num.mantissa);
  return BigInt(s.slice(start, end));
}

function decimalConverter(precision: number, scale: number): Converter {
  return (s, start, end) => {
    const form = scanNumber(s, start, end, num);
    if (form !== NUM_INT && form !== NUM_DECIMAL) return undefined;
    if (num.scale > scale || num.intDigits > precision - scale) return undefined;
    const pad = scale - num.scale;
    if (num.mantissa >= 0) {
      const unscaled = num.mantissa * POW10[pad]!;
      if (unscaled <= Number.MAX_SAFE_INTEGER) return BigInt(num.negative ? -unscaled : unscaled);
    }
    const unscaled = digitsAsBigInt(s, start, end) * POW10N[pad]!;
    return num.negative ? -unscaled : unscaled;
  };
}

/**
 * Every digit of a number's text as one integer, 15 digits at a time: exact BigInt arithmetic on
 * numbers, cheaper than building a digit string for BigInt() to parse.
 */
function digitsAsBigInt(s: string, start: number, end: number): bigint {
  let value = 0n;
  let part = 0;
  let partDigits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue; // the sign and the point
    part = part * 10 + c;
    if (++partDigits === 15) {
      value = value * POW10N[15]! + BigInt(part);
      part = 0;
      partDigits = 0;
    }
  }
  return value * POW10N[partDigits]! + BigInt(part);
}

function timestampConverter(perSecond: bigint, unitDigits: number, utc: boolean): Converter {
  const per = Number(perSecond);
  return (s, start, end) => {
    if (!scanTimestamp(s, start, end, ts) || ts.zoned !== utc || ts.fractionDigits > unitDigits) {
      return undefined;
    }
    const fraction = ts.fraction * POW10[unitDigits - ts.fractionDigits]!;
    // Microseconds until the year 2255 fit a double's integers: one BigInt instead of four.
    const units = ts.seconds * per + fraction;
    if (Number.isSafeInteger(units)) return BigInt(units);
    return BigInt(ts.seconds) * perSecond + BigInt(fraction);
  };
}

/** Powers of ten up to the largest decimal scale, as numbers (exact to 10^22) and as BigInts. */
const POW10 = Array.from({ length: 39 }, (_, i) => 10 ** i);
const POW10N = Array.from({ length: 39 }, (_, i) => 10n ** BigInt(i));
