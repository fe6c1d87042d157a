/** The most digits any decimal column may have (the limit of Redshift, Hive, DuckDB and most others). */
export const MAX_DECIMAL_PRECISION = 38;

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';

/** Whether an integer literal (`intDigits` digits, no leading zeros) fits a signed 64-bit integer. */
export function fitsInt64(text: string, intDigits: number): boolean {
  if (intDigits < 19) return true;
  if (intDigits > 19) return false;
  const neg = text.charCodeAt(0) === 0x2d;
  return (neg ? text.slice(1) : text) <= (neg ? INT64_MIN_ABS : INT64_MAX); // same length: text order is numeric order
}

/**
 * Whether a literal survives a trip through a double: the shortest decimal that reads back as the same
 * double (what JavaScript, Python and Java print) denotes the same number as the literal. `0.1`, `1e308`
 * and `5e-324` do; `2^64`, `0.10000000000000000001` and `1e400` do not.
 */
export function roundTripsDouble(text: string): boolean {
  const d = Number.parseFloat(text); // the same double as Number() for a JSON literal, and faster
  const back = String(d);
  if (back === text) return true; // the common case: the writer printed the shortest form already
  return Number.isFinite(d) && canonicalNumber(text) === canonicalNumber(back);
}

/**
 * One spelling per number: sign, digits without leading or trailing zeros, power of ten
 * (`-1.50e2` and `-150` are both `-15e1`; every zero is `0`).
 */
export function canonicalNumber(text: string): string {
  let i = 0;
  const sign = text.charCodeAt(0) === 0x2d ? '-' : '';
  if (sign) i++;
  let digits = '';
  let exp = 0;
  let afterDot = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) afterDot = true;
    else if (c === 0x65 || c === 0x45) {
      exp += Number(text.slice(i + 1));
      break;
    } else {
      if (digits.length > 0 || c !== 0x30) digits += text[i];
      if (afterDot) exp--;
    }
  }
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 0x30) end--;
  if (end === 0) return '0';
  return `${sign}${digits.slice(0, end)}e${exp + digits.length - end}`;
}

/**
 * The unscaled value of an integer or decimal literal at `scale` (at least its own `ownScale`):
 * `-1.5` at scale 3 is -1500n.
 */
export function unscaled(text: string, ownScale: number, scale: number): bigint {
  if (ownScale === 0) return BigInt(scale === 0 ? text : text + '0'.repeat(scale));
  const dot = text.length - ownScale - 1;
  return BigInt(text.slice(0, dot) + text.slice(dot + 1) + '0'.repeat(scale - ownScale));
}
