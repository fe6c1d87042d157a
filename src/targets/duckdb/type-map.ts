import type { LogicalType } from '../../domain/schema/index.js';
import type { TypeMapping } from '../profile.js';
import { quoteIdent } from './dialect.js';

/**
 * Logical type → DuckDB column type (publishing.md section 2). DuckDB has a column type of the same width
 * for almost every logical type, so the table is nearly one-to-one; the overrides below are the places
 * where it is not.
 */
const SCALARS: Partial<Record<LogicalType['kind'], string>> = {
  boolean: 'BOOLEAN',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  binary: 'BLOB',
  date: 'DATE',
  uuid: 'UUID',
};

const INTS: Record<string, string> = {
  i8: 'TINYINT',
  i16: 'SMALLINT',
  i32: 'INTEGER',
  i64: 'BIGINT',
  u8: 'UTINYINT',
  u16: 'USMALLINT',
  u32: 'UINTEGER',
  u64: 'UBIGINT',
};

/** DECIMAL holds 38 digits; a wider decimal keeps every digit as text instead (the lossless choice). */
export const MAX_DECIMAL_PRECISION = 38;

/**
 * | time / timestamp          | DuckDB        | why                                                        |
 * |---------------------------|---------------|------------------------------------------------------------|
 * | time(ms/us)               | TIME          | microseconds hold milliseconds exactly                     |
 * | time(ns)                  | TIME_NS       | DuckDB ≥ 1.5 keeps nanoseconds of a time of day            |
 * | timestamp(ms/us)          | TIMESTAMP     |                                                            |
 * | timestamp(ns)             | TIMESTAMP_NS  | keeps every nanosecond                                     |
 * | timestamp(ms/us, utc)     | TIMESTAMPTZ   |                                                            |
 * | timestamp(ns, utc)        | TIMESTAMPTZ   | there is no nanosecond TIMESTAMPTZ: a value with           |
 * |                           |               | sub-microsecond digits fails the publish (warning)         |
 */
export function mapDuckdbType(type: LogicalType): TypeMapping {
  const notes: Notes = { warnings: [], refusals: [] };
  const sqlType = toSql(type, notes);
  if (notes.refusals.length > 0) return { ok: false, reason: notes.refusals.join('; ') };
  return notes.warnings.length > 0
    ? { ok: true, sqlType, warning: notes.warnings.join('; ') }
    : { ok: true, sqlType };
}

interface Notes {
  readonly warnings: string[];
  readonly refusals: string[];
}

function toSql(type: LogicalType, notes: Notes): string {
  const { warnings } = notes;
  const scalar = SCALARS[type.kind];
  if (scalar) return scalar;
  switch (type.kind) {
    case 'int':
      return INTS[`${type.signed ? 'i' : 'u'}${type.bits}`]!;
    case 'decimal':
      if (type.precision > MAX_DECIMAL_PRECISION) {
        warnings.push(
          `decimal(${type.precision},${type.scale}) is wider than DuckDB's DECIMAL (at most ${MAX_DECIMAL_PRECISION} digits): stored as VARCHAR text, every digit kept`,
        );
        return 'VARCHAR';
      }
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'time':
      return type.unit === 'ns' ? 'TIME_NS' : 'TIME';
    case 'timestamp':
      if (!type.utc) return type.unit === 'ns' ? 'TIMESTAMP_NS' : 'TIMESTAMP';
      if (type.unit === 'ns') {
        warnings.push(
          'DuckDB TIMESTAMPTZ keeps microseconds: a value with nanosecond digits fails the publish, naming its row',
        );
      }
      return 'TIMESTAMPTZ';
    case 'list':
      return `${toSql(type.element.type, notes)}[]`;
    case 'struct': {
      if (type.fields.length === 0) notes.refusals.push('DuckDB has no STRUCT without fields');
      const folded = new Set(type.fields.map((f) => f.name.toLowerCase()));
      if (folded.size < type.fields.length) {
        notes.refusals.push('struct field names equal but for case are one field in DuckDB');
      }
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${toSql(f.type, notes)}`).join(', ')})`;
    }
    case 'map':
      return `MAP(${toSql(type.key.type, notes)}, ${toSql(type.value.type, notes)})`;
    default:
      // Unreachable: every other kind is in SCALARS. Kept so the switch is exhaustive.
      notes.refusals.push(`no DuckDB type for ${type.kind}`);
      return '?';
  }
}
