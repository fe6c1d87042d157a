import type { LogicalType, Schema, TimeUnit } from './types.js';
import type { RecordBatch, Value } from './values.js';

/**
 * The canonical JSON form of a value: what `jobpub inspect --rows` prints and what the golden fixtures
 * hold. Every digit survives: int64 and decimals are strings, timestamps are ISO-8601 with the full
 * precision of their unit (and `Z` when UTC-adjusted), binary is base64, and the floats JSON cannot hold
 * (NaN, ±Infinity, -0) are strings.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function renderValue(type: LogicalType, v: Value): Json {
  if (v === null) return null;
  switch (type.kind) {
    case 'boolean':
      return v as boolean;
    case 'int':
      return type.bits === 64 ? String(v) : (v as number);
    case 'float':
    case 'double':
      return renderFloat(v as number);
    case 'decimal':
      return renderDecimal(v as bigint, type.scale);
    case 'string':
    case 'uuid':
      return v as string;
    case 'binary': {
      const b = v as Uint8Array;
      return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
    }
    case 'date':
      return renderDate(v as number);
    case 'time':
      return renderTimeOfDay(v as bigint, type.unit);
    case 'timestamp':
      return renderTimestamp(v as bigint, type.unit, type.utc);
    case 'list':
      return (v as readonly Value[]).map((x) => renderValue(type.element.type, x));
    case 'struct': {
      const vs = v as readonly Value[];
      return Object.fromEntries(type.fields.map((f, i) => [f.name, renderValue(f.type, vs[i] ?? null)]));
    }
    case 'map':
      return (v as readonly (readonly Value[])[]).map(([k, x]) => ({
        key: renderValue(type.key.type, k ?? null),
        value: renderValue(type.value.type, x ?? null),
      }));
  }
}

/** One row as a JSON object keyed by column name, in schema order. */
export function renderRow(schema: Schema, batch: RecordBatch, row: number): { [key: string]: Json } {
  return Object.fromEntries(
    schema.fields.map((f, c) => [f.name, renderValue(f.type, batch.columns[c]!.get(row))]),
  );
}

export function renderFloat(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  return x;
}

export function renderDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  const body = scale > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
  return neg ? `-${body}` : body;
}

const PER_SECOND: Record<TimeUnit, bigint> = { ms: 1000n, us: 1_000_000n, ns: 1_000_000_000n };
const FRACTION_DIGITS: Record<TimeUnit, number> = { ms: 3, us: 6, ns: 9 };

export function unitsPerSecond(unit: TimeUnit): bigint {
  return PER_SECOND[unit];
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since 1970-01-01 to a proleptic Gregorian civil date (Howard Hinnant's days_from_civil inverse). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Civil date to days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');

export function renderDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
}

function clock(secondOfDay: bigint, fraction: bigint, unit: TimeUnit): string {
  const s = Number(secondOfDay);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  return `${pad(hh, 2)}:${pad(mm, 2)}:${pad(s % 60, 2)}.${pad(fraction, FRACTION_DIGITS[unit])}`;
}

export function renderTimeOfDay(units: bigint, unit: TimeUnit): string {
  const per = PER_SECOND[unit];
  return clock(units / per, units % per, unit);
}

export function renderTimestamp(units: bigint, unit: TimeUnit, utc: boolean): string {
  const per = PER_SECOND[unit];
  const secs = floorDiv(units, per);
  const frac = units - secs * per;
  const days = floorDiv(secs, 86400n);
  const sod = secs - days * 86400n;
  return `${renderDate(Number(days))}T${clock(sod, frac, unit)}${utc ? 'Z' : ''}`;
}
