import { type LogicalType, t } from '../../domain/schema/index.js';
import {
  exactInDouble,
  NUM_DOUBLE,
  NUM_NONE,
  newNumberScan,
  newTimestampScan,
  scanBoolean,
  scanDate,
  scanNumber,
  scanTimestamp,
  surelyExactInDouble,
} from './lexical.js';

/**
 * The type of a CSV column, inferred from EVERY value of every part file (never a sample): a value never
 * becomes NULL, or loses a digit, because it did not fit. Decisions, most specific type first:
 *
 * - NULL is an unquoted empty field; `""` (quoted) is an empty string, which is text like any other.
 *   Quoting does not otherwise matter: `"12"` is the number 12. Nothing is trimmed: ` 12` is text, and
 *   `\N`, `NULL`, `null` are text too.
 * - boolean: `true` / `false` in any case. `0`/`1` are ints; `yes`/`no`, `t`/`f` are text.
 * - int64: `[+-]?digits` within the int64 range (`+5` is 5, `-0` is 0).
 * - Leading zeros: integer digits starting with a 0 followed by more digits (`007`, `00.5`, `01e3`) make the
 *   value text, in every numeric form: as a number it would lose the zeros (zip codes, account numbers).
 * - decimal: `[+-]?d+.d*` or `[+-]?.d+` (so `5.` and `.5` too), no exponent; also an int beyond int64.
 *   The column is decimal(P,S) with S the most fraction digits seen and P = (most integer digits seen) + S
 *   (at least 1), so every value fits exactly. When P > 38, the column is double if every value is exact
 *   in a double (below), else string.
 * - double: an exponent form (`1e5`, `-2.5E-3`, `1.e2`), `NaN` / `nan` (unsigned), `inf` / `Infinity`
 *   (any case, optionally signed). A value is exact in a double when the shortest decimal form of the
 *   nearest double has the same value as the text: `0.1`, `5e-324`, `0.30000000000000004` are;
 *   `9007199254740993`, `1e400`, `0.1000000000000000055511151231257827` are not. A column ends as double
 *   only when every value is exact, ints and decimals included; else it is string. Exactness is only
 *   worked out once it can matter (the column is double, or a decimal over 38 digits); when a column gets
 *   there after long numbers went by unchecked, the reader shows them again (needsRecheck / recheck).
 * - date: `YYYY-MM-DD`, a real proleptic Gregorian date (`2023-02-29` is text), years 0000-9999.
 * - timestamp: `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}]` then nothing, `Z` or `±HH:MM` (hours 00-23, no leap
 *   second, no `+HHMM`). With a zone in every value: timestamp(unit, utc), offsets applied; with none:
 *   timestamp(unit), wall clock; a column mixing both is string. unit = us, or ns when a value has more
 *   than 6 fraction digits (and string if a value then falls outside int64 nanoseconds, 1677-09-21 to
 *   2262-04-11).
 * - Widening: int64 -> decimal -> double -> string. boolean, date and timestamp join only themselves:
 *   a date and a timestamp in one column make it string, as does anything else that does not fit.
 * - A column with no value at all (every field NULL, or no rows) is string, nullable.
 *   Otherwise nullable is true iff the column holds at least one NULL.
 */

const K_NONE = 0;
const K_INT = 1;
const K_DECIMAL = 2;
const K_DOUBLE = 3;
const K_BOOLEAN = 4;
const K_DATE = 5;
const K_TIMESTAMP = 6;
const K_STRING = 7;
type Kind = number;

const MAX_DECIMAL_PRECISION = 38;
/** What one unit of an n-digit fraction of a second is worth in nanoseconds. */
const NANOS_PER_DIGIT = Array.from({ length: 10 }, (_, n) => 10 ** (9 - n));
const NS_MIN = -(2n ** 63n);
const NS_MAX = 2n ** 63n - 1n;

/** The running state of one column: only ever widened. */
export interface ColumnInference {
  kind: Kind;
  nullable: boolean;
  /** Numbers: most integer digits, most fraction digits, any integer beyond int64, all exact in a double. */
  intDigits: number;
  scale: number;
  beyondInt64: boolean;
  exactInDouble: boolean;
  /** Some number was not checked for exactness in a double (see needsRecheck). */
  unchecked: boolean;
  /** Timestamps: values with and without a zone seen, most fraction digits, earliest and latest instant. */
  zoned: boolean;
  local: boolean;
  fractionDigits: number;
  minSeconds: number;
  minNanos: number;
  maxSeconds: number;
  maxNanos: number;
}

export function newColumn(): ColumnInference {
  return {
    kind: K_NONE,
    nullable: false,
    intDigits: 0,
    scale: 0,
    beyondInt64: false,
    exactInDouble: true,
    unchecked: false,
    zoned: false,
    local: false,
    fractionDigits: 0,
    minSeconds: Number.POSITIVE_INFINITY,
    minNanos: 0,
    maxSeconds: Number.NEGATIVE_INFINITY,
    maxNanos: 0,
  };
}

const num = newNumberScan();
const ts = newTimestampScan();

/** Widens the column so it holds the value text[start, end) (quoted `""` included: an empty string). */
export function observe(col: ColumnInference, text: string, start: number, end: number): void {
  if (col.kind === K_STRING) return;
  const c = start < end ? text.charCodeAt(start) : -1;
  if (c >= 48 && c <= 57 && end - start >= 10 && text.charCodeAt(start + 4) === 45) {
    if (end - start === 10) same(col, scanDate(text, start, end) === undefined ? K_STRING : K_DATE);
    else if (scanTimestamp(text, start, end, ts)) addTimestamp(col);
    else col.kind = K_STRING;
    return;
  }
  if ((c === 116 || c === 84 || c === 102 || c === 70) && scanBoolean(text, start, end) !== undefined) {
    same(col, K_BOOLEAN);
    return;
  }
  const form = scanNumber(text, start, end, num);
  if (form === NUM_NONE) col.kind = K_STRING;
  else addNumber(col, form, text, start, end);
}

/** A NULL field. */
export function observeNull(col: ColumnInference): void {
  col.nullable = true;
}

/** Kinds that join only themselves. */
function same(col: ColumnInference, kind: Kind): void {
  col.kind = col.kind === K_NONE || col.kind === kind ? kind : K_STRING;
}

function addNumber(col: ColumnInference, form: Kind, text: string, start: number, end: number): void {
  if (col.kind > K_DOUBLE) {
    col.kind = K_STRING;
    return;
  }
  if (form > col.kind) col.kind = form;
  if (form !== NUM_DOUBLE) {
    if (num.intDigits > col.intDigits) col.intDigits = num.intDigits;
    if (num.scale > col.scale) col.scale = num.scale;
    if (num.beyondInt64) col.beyondInt64 = true;
  }
  if (col.exactInDouble && !surelyExactInDouble(num)) {
    if (!wantsDouble(col)) col.unchecked = true;
    else if (!exactInDouble(text, start, end, num)) col.exactInDouble = false;
  }
  // Settled early: precision and inexactness only ever grow, so this column can only end as string.
  if (!col.exactInDouble && wantsDouble(col)) col.kind = K_STRING;
}

/** Whether the column can only be a double (or string): exactness in a double now decides. */
function wantsDouble(col: ColumnInference): boolean {
  return (
    col.kind === K_DOUBLE || (col.kind !== K_STRING && col.intDigits + col.scale > MAX_DECIMAL_PRECISION)
  );
}

/**
 * Whether the column's type hangs on values that went by unchecked for exactness in a double (checking
 * costs a float-to-text conversion, wasted while the column is a decimal that holds them as they are):
 * if so, every value must be seen again through recheck() before resolve().
 */
export function needsRecheck(col: ColumnInference): boolean {
  return col.unchecked && col.exactInDouble && wantsDouble(col);
}

/** The second look at one value of a column that needsRecheck(). */
export function recheck(col: ColumnInference, text: string, start: number, end: number): void {
  if (scanNumber(text, start, end, num) !== NUM_NONE && !exactInDouble(text, start, end, num)) {
    col.exactInDouble = false;
  }
}

/** Every value has had its second look. */
export function rechecked(col: ColumnInference): void {
  col.unchecked = false;
  if (!col.exactInDouble && wantsDouble(col)) col.kind = K_STRING;
}

function addTimestamp(col: ColumnInference): void {
  same(col, K_TIMESTAMP);
  if (col.kind !== K_TIMESTAMP) return;
  if (ts.zoned) col.zoned = true;
  else col.local = true;
  if (col.zoned && col.local) {
    col.kind = K_STRING;
    return;
  }
  if (ts.fractionDigits > col.fractionDigits) col.fractionDigits = ts.fractionDigits;
  const nanos = ts.fraction * NANOS_PER_DIGIT[ts.fractionDigits]!;
  if (ts.seconds < col.minSeconds || (ts.seconds === col.minSeconds && nanos < col.minNanos)) {
    col.minSeconds = ts.seconds;
    col.minNanos = nanos;
  }
  if (ts.seconds > col.maxSeconds || (ts.seconds === col.maxSeconds && nanos > col.maxNanos)) {
    col.maxSeconds = ts.seconds;
    col.maxNanos = nanos;
  }
}

/** The column's final type: the most specific one that holds every value seen exactly. */
export function resolve(col: ColumnInference): { type: LogicalType; nullable: boolean } {
  if (needsRecheck(col)) throw new Error('a CSV column must be rechecked before its type is resolved');
  const nullable = col.nullable || col.kind === K_NONE;
  return { type: resolveType(col), nullable };
}

function resolveType(col: ColumnInference): LogicalType {
  switch (col.kind) {
    case K_BOOLEAN:
      return t.boolean();
    case K_INT:
      return col.beyondInt64 ? decimalOrWider(col) : t.int64();
    case K_DECIMAL:
      return decimalOrWider(col);
    case K_DOUBLE:
      return col.exactInDouble ? t.double() : t.string();
    case K_DATE:
      return t.date();
    case K_TIMESTAMP:
      return timestampType(col);
    default:
      return t.string();
  }
}

function decimalOrWider(col: ColumnInference): LogicalType {
  const precision = Math.max(1, col.intDigits + col.scale);
  if (precision <= MAX_DECIMAL_PRECISION) return t.decimal(precision, col.scale);
  return col.exactInDouble ? t.double() : t.string();
}

function timestampType(col: ColumnInference): LogicalType {
  if (col.zoned && col.local) return t.string();
  if (col.fractionDigits <= 6) return t.timestamp('us', col.zoned);
  const min = BigInt(col.minSeconds) * 1_000_000_000n + BigInt(col.minNanos);
  const max = BigInt(col.maxSeconds) * 1_000_000_000n + BigInt(col.maxNanos);
  return min >= NS_MIN && max <= NS_MAX ? t.timestamp('ns', col.zoned) : t.string();
}
