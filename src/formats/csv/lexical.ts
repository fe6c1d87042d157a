import { daysFromCivil } from '../../domain/schema/index.js';

/**
 * The text forms a CSV value may take (rules in infer.ts), recognised by hand on a range of the parsed
 * text: every field of every row passes through here twice, so nothing is sliced, matched with a regex
 * or built through a JS Date.
 */

export const NUM_NONE = 0;
export const NUM_INT = 1;
export const NUM_DECIMAL = 2;
export const NUM_DOUBLE = 3;
export type NumberForm = typeof NUM_NONE | typeof NUM_INT | typeof NUM_DECIMAL | typeof NUM_DOUBLE;

/** What scanNumber learnt about a number; one object reused between calls to spare an allocation per value. */
export interface NumberScan {
  negative: boolean;
  /** Integer digits without leading zeros (`0.5` has none, `120.5` three). */
  intDigits: number;
  /** Fraction digits. */
  scale: number;
  /** Every mantissa digit, the fraction's too, as one integer when there are at most 15 of them; else -1. */
  mantissa: number;
  /** Decimal exponent written after `e` (0 without one). */
  exponent: number;
  /** An integer outside the int64 range. */
  beyondInt64: boolean;
  /** The value of `NaN` / `inf` / `Infinity` (any case), else undefined. */
  special: number | undefined;
}

export function newNumberScan(): NumberScan {
  return {
    negative: false,
    intDigits: 0,
    scale: 0,
    mantissa: 0,
    exponent: 0,
    beyondInt64: false,
    special: undefined,
  };
}

const D0 = 48;
const D9 = 57;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const MAX_SHORT_DIGITS = 15;
const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';

const code = (s: string, i: number, end: number) => (i < end ? s.charCodeAt(i) : -1);

/**
 * `[+-]? (d+ ('.' d*)? | '.' d+) ([eE] [+-]? d+)?`, or a named special. Integer digits that start with a
 * 0 followed by more digits (`007`) are not a number: the zeros would be lost, so such a value is text.
 */
export function scanNumber(s: string, start: number, end: number, out: NumberScan): NumberForm {
  let i = start;
  let c = code(s, i, end);
  const negative = c === MINUS;
  if (negative || c === PLUS) c = code(s, ++i, end);
  const intStart = i;
  let mantissa = 0;
  while (c >= D0 && c <= D9) {
    mantissa = mantissa * 10 + (c - D0);
    c = code(s, ++i, end);
  }
  const intLen = i - intStart;
  if (intLen === 0 && c !== DOT) return scanSpecial(s, start, intStart, end, out);
  if (intLen > 1 && s.charCodeAt(intStart) === D0) return NUM_NONE;
  let scale = 0;
  let form: NumberForm = NUM_INT;
  if (c === DOT) {
    const fracStart = ++i;
    c = code(s, i, end);
    while (c >= D0 && c <= D9) {
      mantissa = mantissa * 10 + (c - D0);
      c = code(s, ++i, end);
    }
    scale = i - fracStart;
    if (intLen === 0 && scale === 0) return NUM_NONE;
    form = NUM_DECIMAL;
  }
  let exponent = 0;
  if (c === 101 || c === 69) {
    c = code(s, ++i, end);
    const expNegative = c === MINUS;
    if (expNegative || c === PLUS) c = code(s, ++i, end);
    const expStart = i;
    while (c >= D0 && c <= D9) {
      if (exponent < 100_000) exponent = exponent * 10 + (c - D0);
      c = code(s, ++i, end);
    }
    if (i === expStart) return NUM_NONE;
    if (expNegative) exponent = -exponent;
    form = NUM_DOUBLE;
  }
  if (i !== end) return NUM_NONE;
  out.negative = negative;
  out.special = undefined;
  out.scale = scale;
  out.exponent = exponent;
  out.mantissa = intLen + scale <= MAX_SHORT_DIGITS ? mantissa : -1;
  out.intDigits = intLen === 1 && s.charCodeAt(intStart) === D0 ? 0 : intLen;
  out.beyondInt64 = false;
  if (form === NUM_INT && intLen >= 19) {
    out.beyondInt64 = intLen > 19 || s.slice(intStart, end) > (negative ? INT64_MIN_ABS : INT64_MAX);
  }
  return form;
}

function scanSpecial(s: string, start: number, at: number, end: number, out: NumberScan): NumberForm {
  if (end - at < 3 || end - at > 8) return NUM_NONE;
  const word = s.slice(at, end).toLowerCase();
  if (word === 'nan' && at === start) out.special = Number.NaN;
  else if (word === 'inf' || word === 'infinity') {
    out.special = s.charCodeAt(start) === MINUS ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  } else return NUM_NONE;
  return NUM_DOUBLE;
}

/**
 * Whether the number just scanned comes back unchanged (in value) from a double: the shortest decimal form
 * of the nearest double equals it. Mantissas of at most 15 digits in the normal range always do (DBL_DIG).
 */
export function exactInDouble(s: string, start: number, end: number, scan: NumberScan): boolean {
  if (surelyExactInDouble(scan)) return true;
  const text = s.slice(start, end);
  const x = Number(text);
  if (!Number.isFinite(x)) return false;
  const back = String(x);
  return back === text || decimalKey(back) === decimalKey(text);
}

/** The cheap part of exactInDouble: true for a special or a short mantissa in the normal range. */
export function surelyExactInDouble(scan: NumberScan): boolean {
  return scan.special !== undefined || (scan.mantissa >= 0 && scan.exponent > -280 && scan.exponent < 280);
}

/** The scanned number as a double: exact integer arithmetic for short mantissas (one correctly rounded
 * division), Number() otherwise. */
export function toDouble(s: string, start: number, end: number, scan: NumberScan): number {
  if (scan.special !== undefined) return scan.special;
  if (scan.mantissa >= 0 && scan.exponent === 0 && scan.scale <= 22) {
    const x = scan.mantissa / 10 ** scan.scale;
    return scan.negative ? -x : x;
  }
  return Number(s.slice(start, end));
}

/** A number's text as `<sign><digits>e<exponent>` with no leading or trailing zeros: equal keys, equal values. */
export function decimalKey(s: string): string {
  let i = 0;
  const negative = s.charCodeAt(0) === MINUS;
  if (negative || s.charCodeAt(0) === PLUS) i = 1;
  let e = s.indexOf('e', i);
  if (e < 0) e = s.indexOf('E', i);
  const mantissa = s.slice(i, e < 0 ? s.length : e);
  const dot = mantissa.indexOf('.');
  const frac = dot < 0 ? '' : mantissa.slice(dot + 1);
  const digits = (dot < 0 ? mantissa : mantissa.slice(0, dot)) + frac;
  let exp = (e < 0 ? 0 : Number(s.slice(e + 1))) - frac.length;
  let from = 0;
  while (from < digits.length && digits.charCodeAt(from) === D0) from++;
  let to = digits.length;
  while (to > from && digits.charCodeAt(to - 1) === D0) {
    to--;
    exp++;
  }
  if (from === to) return '0';
  return `${negative ? '-' : ''}${digits.slice(from, to)}e${exp}`;
}

/** `true` / `false` in any case; anything else (0/1, yes/no, t/f) is not a boolean. */
export function scanBoolean(s: string, start: number, end: number): boolean | undefined {
  const n = end - start;
  const word = n === 4 ? 'true' : n === 5 ? 'false' : undefined;
  if (word === undefined) return undefined;
  // `| 0x20` lower-cases an ASCII letter and maps nothing else onto one.
  for (let i = 0; i < n; i++) if ((s.charCodeAt(start + i) | 0x20) !== word.charCodeAt(i)) return undefined;
  return n === 4;
}

function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i);
    if (c < D0 || c > D9) return -1;
    v = v * 10 + (c - D0);
  }
  return v;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1]!;
}

/** The `YYYY-MM-DD` at `at` as days since 1970-01-01, or undefined when not a calendar date. */
function datePrefix(s: string, at: number): number | undefined {
  if (s.charCodeAt(at + 4) !== MINUS || s.charCodeAt(at + 7) !== MINUS) return undefined;
  const y = digits(s, at, 4);
  const m = digits(s, at + 5, 2);
  const d = digits(s, at + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/** `YYYY-MM-DD`, a real calendar date, as days since 1970-01-01. */
export function scanDate(s: string, start: number, end: number): number | undefined {
  return end - start === 10 ? datePrefix(s, start) : undefined;
}

export interface TimestampScan {
  /** Seconds since 1970-01-01T00:00:00, the offset already applied (UTC when zoned). */
  seconds: number;
  /** The fraction of a second as written, `fractionDigits` digits long. */
  fraction: number;
  fractionDigits: number;
  /** Written with `Z` or a `±HH:MM` offset. */
  zoned: boolean;
}

export function newTimestampScan(): TimestampScan {
  return { seconds: 0, fraction: 0, fractionDigits: 0, zoned: false };
}

/** `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}][Z|±HH:MM]`, every part in range (no leap second, no hour 24). */
export function scanTimestamp(s: string, start: number, end: number, out: TimestampScan): boolean {
  if (end - start < 19) return false;
  const sep = s.charCodeAt(start + 10);
  if ((sep !== 84 && sep !== 32) || s.charCodeAt(start + 13) !== 58 || s.charCodeAt(start + 16) !== 58)
    return false;
  const days = datePrefix(s, start);
  const hh = digits(s, start + 11, 2);
  const mm = digits(s, start + 14, 2);
  const ss = digits(s, start + 17, 2);
  if (days === undefined || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59) return false;
  let i = start + 19;
  let fraction = 0;
  let fractionDigits = 0;
  if (i < end && s.charCodeAt(i) === DOT) {
    const from = ++i;
    for (let c = code(s, i, end); c >= D0 && c <= D9; c = code(s, ++i, end))
      fraction = fraction * 10 + (c - D0);
    fractionDigits = i - from;
    if (fractionDigits === 0 || fractionDigits > 9) return false;
  }
  let offset = 0;
  if (i < end) {
    const c = s.charCodeAt(i);
    if (c === 90 && i + 1 === end) offset = 0;
    else if ((c === PLUS || c === MINUS) && i + 6 === end && s.charCodeAt(i + 3) === 58) {
      const oh = digits(s, i + 1, 2);
      const om = digits(s, i + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
      offset = (c === MINUS ? -1 : 1) * (oh * 3600 + om * 60);
    } else return false;
  }
  out.zoned = i < end;
  out.seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset;
  out.fraction = fraction;
  out.fractionDigits = fractionDigits;
  return true;
}
