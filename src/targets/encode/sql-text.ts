import { renderDate, renderDecimal, renderTimeOfDay, unitsPerSecond } from '../../domain/schema/render.js';
import type { LogicalType, TimeUnit } from '../../domain/schema/types.js';
import type { Value } from '../../domain/schema/values.js';
import { inputError } from '../../errors/index.js';
import { toJsonText } from './json-text.js';

/**
 * The text a SQL database parses back into the exact value: what bulk loaders write (PostgreSQL COPY
 * text/CSV, MySQL LOAD DATA). Each target escapes the text for its own stream format; this module only
 * decides the text of a value. Precision the target cannot keep is refused by value, naming the column:
 * nothing is rounded silently.
 */
export interface SqlTextOptions {
  /** Finest time unit the target keeps: a value with digits beyond it is an error. */
  readonly finestUnit: 'us' | 'ns';
  /** Suffix for UTC instants: `+00` (PostgreSQL), `` for targets that store UTC wall time (MySQL). */
  readonly utcSuffix: string;
  /** Whether NaN and ±Infinity can be stored (PostgreSQL yes, MySQL no). */
  readonly nonFiniteFloats: boolean;
}

export type TextEncoder = (v: Value, row: number) => string;

export function sqlTextEncoder(type: LogicalType, column: string, opts: SqlTextOptions): TextEncoder {
  switch (type.kind) {
    case 'boolean':
      return (v) => (v ? 'true' : 'false');
    case 'int':
      return (v) => String(v);
    case 'float':
    case 'double':
      return (v, row) => {
        const x = v as number;
        if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : String(x);
        if (!opts.nonFiniteFloats) {
          throw inputError('TARGET_REJECTED', `the target cannot store ${x} in a ${type.kind} column`, {
            column,
            row: row + 1,
          });
        }
        return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
      };
    case 'decimal':
      return (v) => renderDecimal(v as bigint, type.scale);
    case 'string':
    case 'uuid':
      return (v) => v as string;
    case 'binary':
      return (v) => Buffer.from(v as Uint8Array).toString('hex');
    case 'date':
      return (v) => renderDate(v as number);
    case 'time': {
      const toUnit = fitUnit(type.unit, opts.finestUnit, column);
      return (v, row) => renderTimeOfDay(toUnit(v as bigint, row), toUnit.unit);
    }
    case 'timestamp': {
      const toUnit = fitUnit(type.unit, opts.finestUnit, column);
      const suffix = type.utc ? opts.utcSuffix : '';
      return (v, row) => `${timestampText(toUnit(v as bigint, row), toUnit.unit)}${suffix}`;
    }
    case 'list':
    case 'struct':
    case 'map':
      return (v) => toJsonText(type, v);
  }
}

interface UnitFit {
  (v: bigint, row: number): bigint;
  unit: TimeUnit;
}

/** Converts a count in `unit` to the target's finest unit, refusing a value that would lose digits. */
function fitUnit(unit: TimeUnit, finest: 'us' | 'ns', column: string): UnitFit {
  const rank = { ms: 0, us: 1, ns: 2 };
  if (rank[unit] <= rank[finest]) return Object.assign((v: bigint) => v, { unit });
  const factor = unitsPerSecond(unit) / unitsPerSecond(finest);
  return Object.assign(
    (v: bigint, row: number) => {
      if (v % factor !== 0n) {
        throw inputError(
          'TARGET_REJECTED',
          `value has ${unit === 'ns' ? 'nanosecond' : 'sub-unit'} digits the target cannot keep (it keeps ${finest}); nothing was written`,
          { column, row: row + 1 },
        );
      }
      return v / factor;
    },
    { unit: finest as TimeUnit },
  );
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (space separator: every SQL database parses it). */
function timestampText(units: bigint, unit: TimeUnit): string {
  const per = unitsPerSecond(unit);
  let secs = units / per;
  let frac = units % per;
  if (frac < 0n) {
    frac += per;
    secs -= 1n;
  }
  let days = secs / 86400n;
  let sod = secs % 86400n;
  if (sod < 0n) {
    sod += 86400n;
    days -= 1n;
  }
  return `${renderDate(Number(days))} ${renderTimeOfDay(sod * per + frac, unit)}`;
}
