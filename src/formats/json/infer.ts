/**
 * Column types of a JSON result, inferred from EVERY value of every row (the reader's first pass). Pure:
 * the `note*` functions fold one value into a Shape (infer-parser.ts calls them straight from the text;
 * `observe` does the same for a parsed tree), `resolveColumns` turns the Shape of the rows into fields.
 *
 * Decisions:
 * - Columns are the union of the rows' keys, in first-seen order. A key missing from a row is NULL there;
 *   a place (column, struct field, list element) is nullable iff some value there is `null` or missing.
 *   A list element type that saw no element at all is nullable (nothing was proven).
 * - Scalars: `true`/`false` -> boolean. Numbers without fraction or exponent -> int64 while every one fits
 *   64 bits (never narrowed to int32: JSON has one integer type), else decimal(p,0). Numbers with a
 *   fraction and no exponent -> decimal(p,s), s the widest scale seen and p leaving room for the widest
 *   integer part seen (integers count too): `12` and `0.125` -> decimal(5,3). An exponent form, or a decimal needing more than 38 digits -> double, but only if every
 *   number of the place round-trips through a double (numbers.ts roundTripsDouble); otherwise string.
 *   So the numeric lattice is int64 -> decimal -> double -> string, and nothing is ever rounded.
 * - Strings stay strings: no dates, times or numbers are guessed from string contents.
 * - Any mix of kinds (string with number, boolean with number, boolean with string, scalar with object or
 *   array, object with array) -> string. There a string is itself, a number its exact source text (`1.50`
 *   stays `1.50`), a boolean `true`/`false`, an object or array its compact JSON text (json-value.ts
 *   toJsonText: source key order and number text, no whitespace). No value is ever turned into NULL.
 * - Objects -> struct: fields are the union of keys (first-seen order), each inferred recursively.
 *   An object place that never held a key (`{}` only) has no fields to give a struct: string (`{}`).
 * - Arrays -> list<element>, the element type inferred over every element of every array of the place;
 *   an empty array adds nothing. Only empty arrays (and nulls) -> list<string>.
 * - A place holding only nulls -> string.
 * - A key repeated in one object: its last value is the one read (as JSON.parse), but every value counts
 *   for the type, so the type may be wider than the kept values need; never narrower.
 */
import { type Field, field, type LogicalType, t } from '../../domain/schema/index.js';
import { DECIMAL, EXPONENT, INT, JsonNumber, type JsonValue, type NumberKind } from './json-value.js';
import { fitsInt64, MAX_DECIMAL_PRECISION, roundTripsDouble } from './numbers.js';

export interface NumberStats {
  ints: boolean;
  decimals: boolean;
  exponents: boolean;
  /** Widest integer part (digits before the point, leading zeros not counted) over integers and decimals. */
  intDigits: number;
  /** Widest fraction over decimals. */
  scale: number;
  /** Every integer fits int64. */
  int64: boolean;
  /** Every number round-trips through a double. */
  doubleExact: boolean;
}

export interface StructShape {
  /** Objects seen: a field present in fewer objects than this was missing from some. */
  objects: number;
  fields: Map<string, Shape>;
  /** The keys of the last object, by position, and their shapes: infer-parser.ts's guess for the next. */
  lastKeys: string[];
  lastFields: Shape[];
}

/** What every value seen at one place says about its type. */
export interface Shape {
  /** Values seen, nulls included. */
  seen: number;
  /** As a struct field: objects holding the key, and the ordinal of the last one (to count each once). */
  present: number;
  mark: number;
  nulls: boolean;
  booleans: boolean;
  strings: boolean;
  numbers: NumberStats | undefined;
  struct: StructShape | undefined;
  /** The shape of every element of every array seen here; undefined until an array is seen. */
  list: Shape | undefined;
}

export function newShape(): Shape {
  return {
    seen: 0,
    present: 0,
    mark: 0,
    nulls: false,
    booleans: false,
    strings: false,
    numbers: undefined,
    struct: undefined,
    list: undefined,
  };
}

export function noteNull(shape: Shape): void {
  shape.seen++;
  shape.nulls = true;
}

export function noteBoolean(shape: Shape): void {
  shape.seen++;
  shape.booleans = true;
}

export function noteString(shape: Shape): void {
  shape.seen++;
  shape.strings = true;
}

/** A number literal s[start, end) of the given kind; its text is only sliced when a check needs it. */
export function noteNumber(
  shape: Shape,
  kind: NumberKind,
  intDigits: number,
  scale: number,
  s: string,
  start: number,
  end: number,
): void {
  shape.seen++;
  if (shape.numbers === undefined) shape.numbers = newNumberStats();
  const n = shape.numbers;
  if (kind === INT) {
    n.ints = true;
    if (n.int64 && intDigits >= 19 && !fitsInt64(s.slice(start, end), intDigits)) n.int64 = false;
  } else if (kind === DECIMAL) n.decimals = true;
  else n.exponents = true;
  if (kind !== EXPONENT) {
    if (intDigits > n.intDigits) n.intDigits = intDigits;
    if (scale > n.scale) n.scale = scale;
  }
  // Up to 15 significant digits without an exponent always round-trip (DBL_DIG is 15): no slice needed.
  if (
    n.doubleExact &&
    (kind === EXPONENT || intDigits + scale > 15) &&
    !roundTripsDouble(s.slice(start, end))
  ) {
    n.doubleExact = false;
  }
}

/** An object begins at this place: its keys are then looked up with fieldOf. */
export function beginObject(shape: Shape): StructShape {
  shape.seen++;
  if (shape.struct === undefined)
    shape.struct = { objects: 0, fields: new Map(), lastKeys: [], lastFields: [] };
  shape.struct.objects++;
  return shape.struct;
}

/** The shape of `key` in the current object of `s`, counted present in it (once, however often repeated). */
export function fieldOf(s: StructShape, key: string): Shape {
  let f = s.fields.get(key);
  if (f === undefined) {
    f = newShape();
    s.fields.set(key, f);
  }
  markPresent(s, f);
  return f;
}

export function markPresent(s: StructShape, f: Shape): void {
  if (f.mark !== s.objects) {
    f.mark = s.objects;
    f.present++;
  }
}

/** An array begins at this place: returns the shape its elements are noted into. */
export function beginArray(shape: Shape): Shape {
  shape.seen++;
  if (shape.list === undefined) shape.list = newShape();
  return shape.list;
}

/** Folds a parsed tree into a shape (the same notes infer-parser.ts makes from text). */
export function observe(shape: Shape, v: JsonValue): void {
  if (v === null) noteNull(shape);
  else if (typeof v === 'string') noteString(shape);
  else if (typeof v === 'boolean') noteBoolean(shape);
  else if (v instanceof JsonNumber) noteNumber(shape, v.kind, v.intDigits, v.scale, v.text, 0, v.text.length);
  else if (Array.isArray(v)) {
    const element = beginArray(shape);
    for (const x of v) observe(element, x);
  } else {
    const s = beginObject(shape);
    for (const [k, x] of v) observe(fieldOf(s, k), x);
  }
}

function newNumberStats(): NumberStats {
  return {
    ints: false,
    decimals: false,
    exponents: false,
    intDigits: 0,
    scale: 0,
    int64: true,
    doubleExact: true,
  };
}

/** The columns of a result whose rows (objects) were all noted into `rows`. */
export function resolveColumns(rows: Shape): Field[] {
  return rows.struct === undefined ? [] : resolveFields(rows.struct);
}

function resolveFields(s: StructShape): Field[] {
  return [...s.fields].map(([name, f]) => field(name, resolveType(f), f.nulls || f.present < s.objects));
}

export function resolveType(s: Shape): LogicalType {
  const scalar = s.booleans || s.strings || s.numbers !== undefined;
  const kinds = (scalar ? 1 : 0) + (s.struct ? 1 : 0) + (s.list ? 1 : 0);
  if (kinds !== 1) return t.string(); // only nulls, or a mix of scalar / object / array
  if (s.struct) {
    const fields = resolveFields(s.struct);
    return fields.length > 0 ? t.struct(fields) : t.string();
  }
  if (s.list) {
    const e = s.list;
    return t.list(e.seen > 0 ? resolveType(e) : t.string(), e.nulls || e.seen === 0);
  }
  if (s.strings || (s.booleans && s.numbers)) return t.string();
  if (s.booleans) return t.boolean();
  return resolveNumber(s.numbers!);
}

function resolveNumber(n: NumberStats): LogicalType {
  if (!n.exponents) {
    if (!n.decimals && n.int64) return t.int64();
    const precision = Math.max(1, n.intDigits + n.scale);
    if (precision <= MAX_DECIMAL_PRECISION) return t.decimal(precision, n.scale);
  }
  return n.doubleExact ? t.double() : t.string();
}
