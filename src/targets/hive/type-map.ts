import type { LogicalType } from '../../domain/schema/index.js';
import { backtick } from '../ddl/compiler.js';
import type { TypeMapping } from '../profile.js';

/** Hive's `decimal(p,s)` holds at most 38 digits. */
export const HIVE_MAX_DECIMAL_PRECISION = 38;

/** The type map of publishing.md section 2 for new Hive tables, as a table first. */
const FIXED: Readonly<Partial<Record<LogicalType['kind'], string>>> = {
  boolean: 'boolean',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  // Hive has no time-of-day type: the exact text `HH:MM:SS[.fraction]` (publishing.md).
  time: 'string',
  uuid: 'string',
};

/** Signed integers by width; an unsigned one takes the next signed width (uint64: decimal(20,0)). */
const SIGNED: Readonly<Record<8 | 16 | 32 | 64, string>> = {
  8: 'tinyint',
  16: 'smallint',
  32: 'int',
  64: 'bigint',
};
const UNSIGNED: Readonly<Record<8 | 16 | 32 | 64, string>> = {
  8: 'smallint',
  16: 'int',
  32: 'bigint',
  64: 'decimal(20,0)',
};

const NS_WARNING =
  'Hive timestamps read through Spark keep microseconds: a value with nanosecond digits fails the load (named by column and row)';

/**
 * Logical type → Hive column type. Timestamps (UTC or wall clock) are `timestamp`: every session runs with
 * the time zone UTC, so an instant is stored and shown as its UTC wall-clock time. Nested types are Hive's
 * own array / struct / map. A decimal over 38 digits takes the lossless choice: its exact text in a string
 * column, with a warning.
 */
export function hiveType(type: LogicalType): TypeMapping {
  const notes: string[] = [];
  const refusals: string[] = [];
  const sqlType = toHive(type, notes, refusals);
  if (refusals.length > 0) return { ok: false, reason: refusals.join('; ') };
  return notes.length > 0
    ? { ok: true, sqlType, warning: [...new Set(notes)].join('; ') }
    : { ok: true, sqlType };
}

/** The Hive type only (for staging columns, whose types are always mappable once the plan exists). */
export function hiveTypeName(type: LogicalType): string {
  return toHive(type, [], []);
}

function toHive(type: LogicalType, notes: string[], refusals: string[]): string {
  const fixed = FIXED[type.kind];
  if (fixed !== undefined) return fixed;
  switch (type.kind) {
    case 'int':
      return type.signed ? SIGNED[type.bits] : UNSIGNED[type.bits];
    case 'decimal':
      if (type.precision > HIVE_MAX_DECIMAL_PRECISION) {
        notes.push(
          `decimal(${type.precision},${type.scale}) is beyond Hive's decimal(${HIVE_MAX_DECIMAL_PRECISION}): its exact text is stored in a string column`,
        );
        return 'string';
      }
      return `decimal(${type.precision},${type.scale})`;
    case 'timestamp':
      if (type.unit === 'ns') notes.push(NS_WARNING);
      return 'timestamp';
    case 'list':
      return `array<${toHive(type.element.type, notes, refusals)}>`;
    case 'struct': {
      if (type.fields.length === 0) refusals.push('Hive has no struct without fields');
      const folded = new Set(type.fields.map((f) => f.name.toLowerCase()));
      if (folded.size < type.fields.length) {
        refusals.push('struct field names equal but for case are one field in Hive');
      }
      return `struct<${type.fields.map((f) => `${backtick(f.name)}:${toHive(f.type, notes, refusals)}`).join(',')}>`;
    }
    case 'map':
      return `map<${toHive(type.key.type, notes, refusals)},${toHive(type.value.type, notes, refusals)}>`;
    default:
      refusals.push(`no Hive type for ${type.kind}`);
      return '?';
  }
}
