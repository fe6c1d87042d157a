import type { Field, Json, LogicalType, Schema } from '../../../src/domain/schema/index.js';
import { firstUnstorableBy } from './first-unstorable.js';

/** What DuckDB keeps of a canonical value: everything, exactly (decimals over 38 digits are kept as text). */
export function rowAsStored(fields: readonly Field[], row: { [k: string]: Json }): { [k: string]: Json } {
  return Object.fromEntries(fields.map((f) => [f.name, row[f.name] ?? null]));
}

const subMicro = (s: string) => /\.\d{6}[0-9]*[1-9]/.test(s.replace(/Z$/, ''));

/** Why DuckDB cannot hold a top-level value: TIMESTAMPTZ keeps µs, so a UTC instant with ns digits. */
export function unstorable(type: LogicalType, v: Json): string | undefined {
  if (v === null) return undefined;
  return type.kind === 'timestamp' && type.utc && type.unit === 'ns' && subMicro(v as string)
    ? 'nanoseconds in TIMESTAMPTZ'
    : undefined;
}

/** The first (row, column) in load order the target cannot hold, or undefined. */
export const firstUnstorable = firstUnstorableBy(unstorable);

export const normalize = (_schema: Schema, rows: readonly Record<string, Json>[]): Record<string, Json>[] => [
  ...rows,
];
