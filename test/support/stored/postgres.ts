import type { Json, LogicalType } from '../../../src/domain/schema/index.js';
import { t } from '../../../src/domain/schema/index.js';
import { toJsonText } from '../../../src/targets/encode/json-text.js';
import { firstUnstorableBy } from './first-unstorable.js';
import { storedBy } from './walk.js';

/**
 * A negative zero inside JSON survives jsonb only as a string: jsonb numbers are `numeric`, which has no
 * -0. The shared JSON text (src/targets/encode/json-text.ts) writes it as a number, so it comes back 0.
 */
const NESTED_NEGATIVE_ZERO_LOST = toJsonText(t.double(), -0) !== '"-0"';

/**
 * What PostgreSQL keeps of a canonical value: everything, exactly, except a negative zero inside JSON
 * (see above).
 */
export const { asStored, rowAsStored } = storedBy((v, nested) =>
  nested && v === '-0' && NESTED_NEGATIVE_ZERO_LOST ? 0 : v,
);

/** A 9-digit fraction whose last three digits are not all zero: digits below the microsecond. */
const subMicro = (s: string) => /\.\d{6}(?!000)\d{3}/.test(s);
const hasNul = (j: Json): boolean =>
  typeof j === 'string'
    ? j.includes('\u0000')
    : Array.isArray(j)
      ? j.some(hasNul)
      : j !== null && typeof j === 'object'
        ? Object.entries(j).some(([k, x]) => k.includes('\u0000') || hasNul(x))
        : false;

/** Why PostgreSQL cannot hold a top-level value (the load must fail naming it), or undefined. */
export function unstorable(type: LogicalType, v: Json): string | undefined {
  if (v === null) return undefined;
  switch (type.kind) {
    case 'string':
      return (v as string).includes('\u0000') ? 'NUL' : undefined;
    case 'time':
    case 'timestamp':
      return type.unit === 'ns' && subMicro(v as string) ? 'nanoseconds' : undefined;
    case 'list':
    case 'struct':
    case 'map':
      return hasNul(v) ? 'NUL in JSON' : undefined;
    default:
      return undefined;
  }
}

/** The first (row, column) in load order the target cannot hold, or undefined. */
export const firstUnstorable = firstUnstorableBy(unstorable);

/** The error a publish that must fail failed with. */
export const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as Error & { code?: string },
  );

/** jsonb orders object keys its own way: maps are compared as sets of entries. */
export { sortMapEntries as normalize } from '../readback/postgres.js';
