/**
 * A parsed JSON value that keeps what JSON.parse throws away: every number keeps its source text (so
 * 2^64, 1.50 and 1e308 stay exactly as written until inference picks their type), and objects keep their
 * keys in source order (a plain JS object would move integer-like keys such as "1" to the front).
 */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Keys in first-seen order; a repeated key keeps its first position and its last value (as JSON.parse). */
export type JsonObject = Map<string, JsonValue>;

export const INT = 0;
export const DECIMAL = 1;
export const EXPONENT = 2;
/** `INT`: no fraction, no exponent; `DECIMAL`: a fraction, no exponent; `EXPONENT`: an `e`/`E` part. */
export type NumberKind = typeof INT | typeof DECIMAL | typeof EXPONENT;

export class JsonNumber {
  constructor(
    /** The literal exactly as written, e.g. `-0.50` or `1E+308`. */
    readonly text: string,
    readonly kind: NumberKind,
    /** Digits before the point, leading zeros not counted (`0.5` has 0, `120` has 3). */
    readonly intDigits: number,
    /** Digits after the point (`1.50` has 2); 0 for integers. */
    readonly scale: number,
  ) {}
}

/**
 * Compact JSON text of a value, for an object or array that lands in a string column. Numbers keep their
 * source text, keys their source order, strings are re-escaped by JSON.stringify. Whitespace of the source
 * is not kept, so the same object reads the same from JSON Lines and from a pretty-printed array.
 */
export function toJsonText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${toJsonText(x)}`);
  return `{${parts.join(',')}}`;
}
