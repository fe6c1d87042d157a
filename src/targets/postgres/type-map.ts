import type { LogicalType } from '../../domain/schema/index.js';
import { mapped, type TypeMapping } from '../profile.js';

/** PostgreSQL keeps at most 1000 significant digits in a `numeric(p,s)` column. */
export const PG_MAX_NUMERIC_PRECISION = 1000;

const NS_WARNING =
  'PostgreSQL keeps microseconds: a value with nanosecond digits fails the load (named by column and row); whole microseconds load exactly';

/** The type map of publishing.md section 2 for new PostgreSQL tables, as a table first. */
const FIXED: Readonly<Partial<Record<LogicalType['kind'], string>>> = {
  boolean: 'boolean',
  float: 'real',
  double: 'double precision',
  string: 'text',
  binary: 'bytea',
  date: 'date',
  uuid: 'uuid',
  list: 'jsonb',
  struct: 'jsonb',
  map: 'jsonb',
};

/** Integers by signedness and width: each unsigned width needs the next signed one (uint64: numeric). */
const INTEGERS: Readonly<Record<'signed' | 'unsigned', Readonly<Record<8 | 16 | 32 | 64, string>>>> = {
  signed: { 8: 'smallint', 16: 'smallint', 32: 'integer', 64: 'bigint' },
  unsigned: { 8: 'smallint', 16: 'integer', 32: 'bigint', 64: 'numeric(20,0)' },
};

const ok = mapped;

/** The overrides: widths, precision and time zones. */
export function pgType(type: LogicalType): TypeMapping {
  const fixed = FIXED[type.kind];
  if (fixed !== undefined) return ok(fixed);
  switch (type.kind) {
    case 'int':
      return ok(INTEGERS[type.signed ? 'signed' : 'unsigned'][type.bits]);
    case 'decimal':
      if (type.precision > PG_MAX_NUMERIC_PRECISION) {
        return { ok: false, reason: `numeric holds at most ${PG_MAX_NUMERIC_PRECISION} digits of precision` };
      }
      return ok(`numeric(${type.precision},${type.scale})`);
    case 'time':
      return ok('time', type.unit === 'ns' ? NS_WARNING : undefined);
    case 'timestamp':
      return ok(type.utc ? 'timestamptz' : 'timestamp', type.unit === 'ns' ? NS_WARNING : undefined);
    default:
      return { ok: false, reason: `no PostgreSQL type for ${type.kind}` };
  }
}
