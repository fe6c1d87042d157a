/**
 * How a value of each logical type is held in memory, the same for every reader and every target:
 *
 * | logical type            | JS value                                                       |
 * |-------------------------|----------------------------------------------------------------|
 * | boolean                 | boolean                                                        |
 * | int8..32, uint8..32     | number                                                         |
 * | int64, uint64           | bigint                                                         |
 * | float, double           | number (NaN and ±Infinity allowed)                             |
 * | decimal(p,s)            | bigint: the unscaled value (123.45 in decimal(5,2) is 12345n)  |
 * | string                  | string                                                         |
 * | binary                  | Uint8Array                                                     |
 * | date                    | number: days since 1970-01-01 (negative before)                |
 * | time(unit)              | bigint: units since midnight                                   |
 * | timestamp(unit, utc?)   | bigint: units since 1970-01-01T00:00:00 (UTC, or wall clock)   |
 * | uuid                    | string: lower-case 8-4-4-4-12 hex                              |
 * | list                    | Value[]                                                        |
 * | struct                  | Value[]: one entry per field, in the field order               |
 * | map                     | Array<[key, value]>                                            |
 *
 * `null` is NULL in every type. Nothing is converted through a JS Date or a float on the way, so no
 * digit and no sub-millisecond unit is lost.
 */
export type Value = null | boolean | number | bigint | string | Uint8Array | readonly Value[];

export interface Column {
  readonly length: number;
  /** The value at row `i`, or null. */
  get(i: number): Value;
}

export interface RecordBatch {
  readonly numRows: number;
  /** One column per schema field, in schema order. */
  readonly columns: readonly Column[];
}

/** A column over a plain array of values (the common case for readers that decode row by row). */
export class ArrayColumn implements Column {
  constructor(readonly values: Value[]) {}
  get length(): number {
    return this.values.length;
  }
  get(i: number): Value {
    return this.values[i] ?? null;
  }
}

/** Turns rows (arrays of values in schema order) into a batch of ArrayColumns. */
export function batchFromRows(rows: readonly (readonly Value[])[], width: number): RecordBatch {
  const cols: Value[][] = Array.from({ length: width }, () => new Array<Value>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) cols[c]![r] = row[c] ?? null;
  }
  return { numRows: rows.length, columns: cols.map((v) => new ArrayColumn(v)) };
}
