import {
  blobValue,
  type DuckDBType,
  DuckDBTypeId,
  DuckDBUUIDValue,
  type DuckDBValue,
  dateValue,
  decimalValue,
  listValue,
  mapValue,
  structValue,
  timeNSValue,
  timestampMillisValue,
  timestampNanosValue,
  timestampTZValue,
  timestampValue,
  timeValue,
} from '@duckdb/node-api';
import { unitsPerSecond } from '../../domain/schema/render.js';
import type { LogicalType, TimeUnit } from '../../domain/schema/types.js';
import type { Value } from '../../domain/schema/values.js';
import { inputError, JobpubError } from '../../errors/index.js';
import { sqlTextEncoder } from '../encode/sql-text.js';

/**
 * A results value (values.ts representation) as the DuckDB value the appender writes, for the column's
 * actual DuckDB type. Same-type columns are the common case; the widenings the planner allows into an
 * existing table (int32 into BIGINT, decimal(9,2) into DECIMAL(18,4), date into TIMESTAMP, ms into µs,
 * anything into VARCHAR) are converted exactly here. A value the column cannot hold exactly (nanosecond
 * digits in a µs column, too many digits for the DECIMAL) fails, naming the column and row.
 */
export type Encode = (v: Value, row: number) => DuckDBValue;

export function encoderFor(source: LogicalType, target: DuckDBType, column: string): Encode {
  const enc = build(source, target, column);
  return (v, row) => (v === null ? null : enc(v, row));
}

type Fail = (problem: string, row: number) => never;

function build(source: LogicalType, target: DuckDBType, column: string): Encode {
  const fail: Fail = (problem, row) => {
    throw inputError('TARGET_REJECTED', `${problem}; nothing was written`, { column, row: row + 1 });
  };
  const nested = (s: LogicalType, tt: DuckDBType) => encoderFor(s, tt, column);
  switch (target.typeId) {
    case DuckDBTypeId.VARCHAR: {
      if (source.kind === 'string' || source.kind === 'uuid') return (v) => v as string;
      const text = sqlTextEncoder(source, column, {
        finestUnit: 'ns',
        utcSuffix: '+00',
        nonFiniteFloats: true,
      });
      return (v, row) => text(v, row);
    }
    case DuckDBTypeId.BOOLEAN:
      if (source.kind === 'boolean') return (v) => v as boolean;
      break;
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      if (source.kind === 'int' && source.bits <= 32) return (v) => v as number;
      break;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
      if (source.kind === 'int') return (v) => BigInt(v as number | bigint);
      if (source.kind === 'decimal' && source.scale === 0 && target.typeId === DuckDBTypeId.HUGEINT) {
        return (v) => v as bigint;
      }
      break;
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      if (source.kind === 'float' || source.kind === 'double' || source.kind === 'int')
        return (v) => Number(v);
      break;
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = target;
      const limit = 10n ** BigInt(width);
      let unscaled: (v: Value, row: number) => bigint;
      if (source.kind === 'int') unscaled = (v) => BigInt(v as number | bigint) * 10n ** BigInt(scale);
      else if (source.kind === 'decimal') unscaled = rescaleDecimal(source.scale, scale, fail);
      else break;
      return (v, row) => {
        const u = unscaled(v, row);
        if (u >= limit || u <= -limit) fail(`value has more digits than ${target.toString()} holds`, row);
        return decimalValue(u, width, scale);
      };
    }
    case DuckDBTypeId.BLOB:
      if (source.kind === 'binary') return (v) => blobValue(v as Uint8Array);
      break;
    case DuckDBTypeId.UUID:
      if (source.kind === 'uuid')
        return (v) => DuckDBUUIDValue.fromUint128(BigInt(`0x${(v as string).replace(/-/g, '')}`));
      break;
    case DuckDBTypeId.DATE:
      if (source.kind === 'date') return (v) => dateValue(v as number);
      break;
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS: {
      if (source.kind !== 'time') break;
      const ns = target.typeId === DuckDBTypeId.TIME_NS;
      const to = rescaleTime(source.unit, ns ? 'ns' : 'us', fail);
      return ns ? (v, row) => timeNSValue(to(v as bigint, row)) : (v, row) => timeValue(to(v as bigint, row));
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: {
      const { unit, make } = TIMESTAMPS[target.typeId];
      if (source.kind === 'timestamp') {
        const to = rescaleTime(source.unit, unit, fail);
        return (v, row) => make(to(v as bigint, row));
      }
      if (source.kind === 'date') {
        const perDay = 86_400n * unitsPerSecond(unit);
        return (v) => make(BigInt(v as number) * perDay);
      }
      break;
    }
    case DuckDBTypeId.LIST:
      if (source.kind === 'list') {
        const item = nested(source.element.type, target.valueType);
        return (v, row) => listValue((v as readonly Value[]).map((x) => item(x, row)));
      }
      break;
    case DuckDBTypeId.STRUCT:
      if (source.kind === 'struct' && source.fields.length === target.entryCount) {
        const names = target.entryNames;
        const items = source.fields.map((f, i) => nested(f.type, target.entryTypes[i]!));
        return (v, row) => {
          const vs = v as readonly Value[];
          const entries: Record<string, DuckDBValue> = {};
          for (let i = 0; i < items.length; i++) entries[names[i]!] = items[i]!(vs[i] ?? null, row);
          return structValue(entries);
        };
      }
      break;
    case DuckDBTypeId.MAP:
      if (source.kind === 'map') {
        const key = nested(source.key.type, target.keyType);
        const value = nested(source.value.type, target.valueType);
        return (v, row) =>
          mapValue(
            (v as readonly (readonly Value[])[]).map(([k, x]) => ({
              key: key(k ?? null, row),
              value: value(x ?? null, row),
            })),
          );
      }
      break;
  }
  throw new JobpubError(
    'TARGET_REJECTED',
    `column "${column}": jobpub cannot write ${source.kind} values into a DuckDB ${target.toString()} column`,
  );
}

type TimestampId =
  | DuckDBTypeId.TIMESTAMP
  | DuckDBTypeId.TIMESTAMP_TZ
  | DuckDBTypeId.TIMESTAMP_MS
  | DuckDBTypeId.TIMESTAMP_NS;

/** The unit each DuckDB timestamp type counts in, and its value class. */
const TIMESTAMPS: Record<TimestampId, { unit: TimeUnit; make: (units: bigint) => DuckDBValue }> = {
  [DuckDBTypeId.TIMESTAMP]: { unit: 'us', make: timestampValue },
  [DuckDBTypeId.TIMESTAMP_TZ]: { unit: 'us', make: timestampTZValue },
  [DuckDBTypeId.TIMESTAMP_MS]: { unit: 'ms', make: timestampMillisValue },
  [DuckDBTypeId.TIMESTAMP_NS]: { unit: 'ns', make: timestampNanosValue },
};

const UNIT_NAME: Record<TimeUnit, string> = { ms: 'millisecond', us: 'microsecond', ns: 'nanosecond' };

/** Units of `from` as units of `to`; a finer value with digits the coarser unit cannot keep fails. */
function rescaleTime(from: TimeUnit, to: TimeUnit, fail: Fail): (v: bigint, row: number) => bigint {
  const f = unitsPerSecond(from);
  const t = unitsPerSecond(to);
  if (f === t) return (v) => v;
  if (t > f) return (v) => v * (t / f);
  const div = f / t;
  return (v, row) => {
    if (v % div !== 0n)
      fail(`value has digits finer than a ${UNIT_NAME[to]}, which the DuckDB column cannot keep`, row);
    return v / div;
  };
}

function rescaleDecimal(from: number, to: number, fail: Fail): (v: Value, row: number) => bigint {
  if (from === to) return (v) => v as bigint;
  if (to > from) {
    const mul = 10n ** BigInt(to - from);
    return (v) => (v as bigint) * mul;
  }
  const div = 10n ** BigInt(from - to);
  return (v, row) => {
    if ((v as bigint) % div !== 0n) fail(`value has more decimal places than the column's scale ${to}`, row);
    return (v as bigint) / div;
  };
}
