import type { LogicalType } from '../../domain/schema/index.js';
import { mapped, type TypeMapping } from '../profile.js';

/** MySQL and MariaDB: `decimal(p,s)` holds at most 65 digits, at most 30 of them after the point. */
export const MYSQL_MAX_DECIMAL_PRECISION = 65;
export const MYSQL_MAX_DECIMAL_SCALE = 30;

/**
 * Text columns are utf8mb4 with a binary collation, spelled on the column itself: the shared CREATE TABLE
 * has no table-options hook, and a column's own charset survives whatever the database default is. A binary
 * collation keeps values exactly distinct: `a` and `A`, `a` and `a ` are different values, as in the results.
 */
export const TEXT = 'longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
/** UUIDs are 36 ASCII characters; an ASCII column stores them in 36 bytes, not 144. */
export const UUID = 'char(36) CHARACTER SET ascii COLLATE ascii_bin';

const NS_WARNING =
  'MySQL keeps microseconds: a value with nanosecond digits fails the load (named by column and row); whole microseconds load exactly';

/** The type map of publishing.md section 2 for new MySQL/MariaDB tables, as a table first. */
const FIXED: Readonly<Partial<Record<LogicalType['kind'], string>>> = {
  boolean: 'tinyint(1)',
  float: 'float',
  double: 'double',
  string: TEXT,
  binary: 'longblob',
  date: 'date',
  uuid: UUID,
  // MariaDB's json is longtext with a json_valid CHECK; MySQL's is a native type. Both take JSON text.
  list: 'json',
  struct: 'json',
  map: 'json',
};

/** Integers by width; unsigned ones get the unsigned type of the same width. */
const INTEGERS: Readonly<Record<8 | 16 | 32 | 64, string>> = {
  8: 'tinyint',
  16: 'smallint',
  32: 'int',
  64: 'bigint',
};

const ok = mapped;

/**
 * The overrides: widths, precision and time. A decimal MySQL cannot hold (precision over 65 or scale over
 * 30) takes the lossless choice publishing.md allows: its exact text in a longtext column, with a warning.
 * Timestamps are `datetime(6)`: UTC instants are stored as their UTC wall-clock time (the session runs with
 * time_zone '+00:00'), which is the documented mapping, so it carries no warning.
 */
export function mysqlType(type: LogicalType): TypeMapping {
  const fixed = FIXED[type.kind];
  if (fixed !== undefined) return ok(fixed);
  switch (type.kind) {
    case 'int':
      return ok(type.signed ? INTEGERS[type.bits] : `${INTEGERS[type.bits]} unsigned`);
    case 'decimal':
      if (type.precision > MYSQL_MAX_DECIMAL_PRECISION || type.scale > MYSQL_MAX_DECIMAL_SCALE) {
        return ok(
          TEXT,
          `decimal(${type.precision},${type.scale}) is beyond MySQL's decimal(${MYSQL_MAX_DECIMAL_PRECISION},${MYSQL_MAX_DECIMAL_SCALE}): its exact text is stored in a longtext column`,
        );
      }
      return ok(`decimal(${type.precision},${type.scale})`);
    case 'time':
      return ok('time(6)', type.unit === 'ns' ? NS_WARNING : undefined);
    case 'timestamp':
      return ok('datetime(6)', type.unit === 'ns' ? NS_WARNING : undefined);
    default:
      return { ok: false, reason: `no MySQL type for ${type.kind}` };
  }
}
