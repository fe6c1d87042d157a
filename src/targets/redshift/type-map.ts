import type { LogicalType } from '../../domain/schema/index.js';
import { mapped, type TypeMapping } from '../profile.js';

/** Redshift DECIMAL holds at most 38 digits. */
export const RS_MAX_DECIMAL_PRECISION = 38;
/** VARCHAR's limit, in bytes (not characters): a longer value fails the COPY, named by file, line and column. */
export const RS_MAX_VARCHAR_BYTES = 65535;

const NS_WARNING =
  'Redshift keeps microseconds: a value with nanosecond digits fails the load; whole microseconds load exactly';

/** The type map of publishing.md section 2 for new Redshift tables, as a table first. */
const FIXED: Readonly<Partial<Record<LogicalType['kind'], string>>> = {
  boolean: 'boolean',
  float: 'real',
  double: 'double precision',
  string: `varchar(${RS_MAX_VARCHAR_BYTES})`,
  binary: 'varbyte',
  date: 'date',
  uuid: 'char(36)',
  list: 'super',
  struct: 'super',
  map: 'super',
};

/** Integers by signedness and width: each unsigned width needs the next signed one (uint64: decimal(20,0)). */
const INTEGERS: Readonly<Record<'signed' | 'unsigned', Readonly<Record<8 | 16 | 32 | 64, string>>>> = {
  signed: { 8: 'smallint', 16: 'smallint', 32: 'integer', 64: 'bigint' },
  unsigned: { 8: 'smallint', 16: 'integer', 32: 'bigint', 64: 'decimal(20,0)' },
};

const ok = mapped;

/** The overrides: widths, precision and time zones. */
export function rsType(type: LogicalType): TypeMapping {
  const fixed = FIXED[type.kind];
  if (fixed !== undefined) return ok(fixed);
  switch (type.kind) {
    case 'int':
      return ok(INTEGERS[type.signed ? 'signed' : 'unsigned'][type.bits]);
    case 'decimal':
      if (type.precision > RS_MAX_DECIMAL_PRECISION) {
        return {
          ok: false,
          reason: `Redshift DECIMAL holds at most ${RS_MAX_DECIMAL_PRECISION} digits of precision`,
        };
      }
      return ok(`decimal(${type.precision},${type.scale})`);
    case 'time':
      return ok('time', type.unit === 'ns' ? NS_WARNING : undefined);
    case 'timestamp':
      return ok(type.utc ? 'timestamptz' : 'timestamp', type.unit === 'ns' ? NS_WARNING : undefined);
    default:
      return { ok: false, reason: `no Redshift type for ${type.kind}` };
  }
}

/** Whether a column holds nested values (SUPER): Parquet COPY then needs SERIALIZETOJSON. */
export const isNested = (type: LogicalType): boolean =>
  type.kind === 'list' || type.kind === 'struct' || type.kind === 'map';
