import type { SchemaElement } from 'hyparquet';
import { type LogicalType, type TimeUnit, t } from '../../domain/schema/index.js';
import type { Conversion } from './convert.js';
import type { PhysicalType } from './plain.js';
import { SchemaProblem } from './problems.js';

/**
 * A primitive column's logical type, from its LogicalType annotation when there is one, else from the
 * legacy ConvertedType, else from the physical type alone. The footer is exact, so nothing is guessed:
 * unsigned integers, isAdjustedToUTC, UUIDs and decimals in any of their four storages all come through.
 */
export interface LeafType {
  readonly type: LogicalType;
  readonly conversion: Conversion;
}

const UNITS: Record<string, TimeUnit> = { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' };

export function leafType(e: SchemaElement, physical: PhysicalType, column: string): LeafType {
  const lt = e.logical_type;
  const ct = e.converted_type;
  const unsupported = (what: string) => new SchemaProblem(column, `${what} is not supported`, true);
  const invalid = (what: string) =>
    new SchemaProblem(column, `${what} cannot be stored as ${physical} (the schema is invalid)`, false);
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw invalid(what);
  };

  const annotation = lt?.type ?? ct;
  switch (annotation) {
    case 'STRING':
    case 'UTF8':
    case 'ENUM':
    case 'JSON':
      expect(physical === 'BYTE_ARRAY' || physical === 'FIXED_LEN_BYTE_ARRAY', `${annotation} text`);
      return { type: t.string(), conversion: 'string' };
    case 'BSON':
    case 'GEOMETRY':
    case 'GEOGRAPHY':
      expect(physical === 'BYTE_ARRAY', annotation);
      return { type: t.binary(), conversion: 'binary' };
    case 'UUID':
      expect(physical === 'FIXED_LEN_BYTE_ARRAY' && e.type_length === 16, 'a UUID');
      return { type: t.uuid(), conversion: 'uuid' };
    case 'FLOAT16':
      expect(physical === 'FIXED_LEN_BYTE_ARRAY' && e.type_length === 2, 'a FLOAT16');
      return { type: t.float(), conversion: 'float16' };
    case 'DECIMAL':
      return decimal(e, physical, lt?.type === 'DECIMAL' ? lt : undefined, invalid);
    case 'DATE':
      expect(physical === 'INT32', 'a DATE');
      return { type: t.date(), conversion: 'number' };
    case 'TIME':
    case 'TIME_MILLIS':
    case 'TIME_MICROS': {
      const unit = lt?.type === 'TIME' ? UNITS[lt.unit]! : annotation === 'TIME_MILLIS' ? 'ms' : 'us';
      expect(physical === (unit === 'ms' ? 'INT32' : 'INT64'), `a TIME(${unit})`);
      return { type: t.time(unit), conversion: unit === 'ms' ? 'widen' : 'int64' };
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_MILLIS':
    case 'TIMESTAMP_MICROS': {
      // The legacy converted types were defined as instants, i.e. UTC-adjusted.
      const unit =
        lt?.type === 'TIMESTAMP' ? UNITS[lt.unit]! : annotation === 'TIMESTAMP_MILLIS' ? 'ms' : 'us';
      const utc = lt?.type === 'TIMESTAMP' ? lt.isAdjustedToUTC : true;
      expect(physical === 'INT64', 'a TIMESTAMP');
      return { type: t.timestamp(unit, utc), conversion: 'int64' };
    }
    case 'INTEGER':
      return integer(
        lt?.type === 'INTEGER' ? lt.bitWidth : 0,
        lt?.type === 'INTEGER' ? lt.isSigned : true,
        physical,
        invalid,
      );
    case 'INT_8':
    case 'INT_16':
    case 'INT_32':
    case 'INT_64':
      return integer(Number(annotation.slice(4)), true, physical, invalid);
    case 'UINT_8':
    case 'UINT_16':
    case 'UINT_32':
    case 'UINT_64':
      return integer(Number(annotation.slice(5)), false, physical, invalid);
    case 'INTERVAL':
      throw unsupported('the INTERVAL type');
    case 'NULL':
      throw unsupported('the NULL (always empty) type');
    case undefined:
      break;
    default:
      throw unsupported(`the ${annotation} annotation`);
  }

  switch (physical) {
    case 'BOOLEAN':
      return { type: t.boolean(), conversion: 'boolean' };
    case 'INT32':
      return { type: t.int32(), conversion: 'number' };
    case 'INT64':
      return { type: t.int64(), conversion: 'int64' };
    case 'INT96':
      // Legacy Impala / Hive / Spark timestamps: nanosecond precision, and no flag saying whether the wall
      // clock was UTC-adjusted, so they are read as local (see docs/parquet-reader.md).
      return { type: t.timestamp('ns', false), conversion: 'int96' };
    case 'FLOAT':
      return { type: t.float(), conversion: 'number' };
    case 'DOUBLE':
      return { type: t.double(), conversion: 'number' };
    default:
      return { type: t.binary(), conversion: 'binary' };
  }
}

function integer(
  bits: number,
  signed: boolean,
  physical: PhysicalType,
  invalid: (w: string) => Error,
): LeafType {
  const name = `${signed ? 'int' : 'uint'}${bits}`;
  if (bits !== 8 && bits !== 16 && bits !== 32 && bits !== 64) throw invalid(`an integer of ${bits} bits`);
  if (physical !== (bits === 64 ? 'INT64' : 'INT32')) throw invalid(`an ${name}`);
  const conversion: Conversion =
    bits === 64 ? (signed ? 'int64' : 'uint64') : bits === 32 && !signed ? 'uint32' : 'number';
  return { type: t.int(bits, signed), conversion };
}

function decimal(
  e: SchemaElement,
  physical: PhysicalType,
  lt: { precision: number; scale: number } | undefined,
  invalid: (w: string) => Error,
): LeafType {
  const precision = lt?.precision ?? e.precision ?? 0;
  const scale = lt?.scale ?? e.scale ?? 0;
  if (precision < 1 || scale < 0 || scale > precision) throw invalid(`a decimal(${precision},${scale})`);
  const type = t.decimal(precision, scale);
  if (physical === 'INT32') return { type, conversion: 'widen' };
  if (physical === 'INT64') return { type, conversion: 'int64' };
  if (physical === 'FIXED_LEN_BYTE_ARRAY' || physical === 'BYTE_ARRAY')
    return { type, conversion: 'decimal-bytes' };
  throw invalid('a DECIMAL');
}
