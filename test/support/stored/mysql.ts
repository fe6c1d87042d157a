import type { Json, LogicalType, Schema } from '../../../src/domain/schema/index.js';
import { firstUnstorableBy } from './first-unstorable.js';
import { storedBy } from './walk.js';

/**
 * What MySQL/MariaDB keep of a canonical value. A float or double column has no negative zero (`-0` is
 * stored as 0); inside a JSON column the shared JSON text writes `-0` and MariaDB keeps the text exactly.
 * Everything else is exact.
 */
export const { asStored, rowAsStored } = storedBy((v, nested) => (v === '-0' && !nested ? 0 : v));

const year = (s: string) => (/^\d{4}-/.test(s) ? Number(s.slice(0, 4)) : Number.NaN);
const inRange = (s: string) => year(s) >= 1000 && year(s) <= 9999;
const subMicro = (s: string) => /\.\d{6}[1-9]|\.\d{7}[1-9]|\.\d{8}[1-9]/.test(s);

/** Why MySQL cannot hold a top-level value (the load must fail naming it), or undefined. */
export function unstorable(type: LogicalType, v: Json): string | undefined {
  if (v === null) return undefined;
  switch (type.kind) {
    case 'float':
    case 'double':
      return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? 'not finite' : undefined;
    case 'date':
      return inRange(v as string) ? undefined : 'year outside 1000..9999';
    case 'timestamp':
      if (!inRange(v as string)) return 'year outside 1000..9999';
      return type.unit === 'ns' && subMicro(v as string) ? 'nanoseconds' : undefined;
    case 'time':
      return type.unit === 'ns' && subMicro(v as string) ? 'nanoseconds' : undefined;
    default:
      return undefined;
  }
}

/** The first (row, column) in load order the target cannot hold, or undefined. */
export const firstUnstorable = firstUnstorableBy(unstorable);

/** MariaDB keeps JSON text as written: nothing to normalize. */
export const normalize = (_schema: Schema, rows: readonly Record<string, Json>[]): Record<string, Json>[] => [
  ...rows,
];
