import type { Field, Json, LogicalType, Schema } from '../../../src/domain/schema/index.js';

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

export function firstUnstorable(
  fields: readonly Field[],
  rows: readonly { [k: string]: Json }[],
): { row: number; column: string } | undefined {
  for (let r = 0; r < rows.length; r++) {
    for (const f of fields)
      if (unstorable(f.type, rows[r]![f.name] ?? null)) return { row: r, column: f.name };
  }
  return undefined;
}

export const normalize = (_schema: Schema, rows: readonly Record<string, Json>[]): Record<string, Json>[] => [
  ...rows,
];
