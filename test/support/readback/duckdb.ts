import { createRequire } from 'node:module';
import {
  type DuckDBBlobValue,
  type DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  type DuckDBListValue,
  type DuckDBMapValue,
  type DuckDBStructValue,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBUUIDValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  type Json,
  type LogicalType,
  renderValue,
  type Schema,
  type TimeUnit,
} from '../../../src/domain/schema/index.js';
import { unitsPerSecond } from '../../../src/domain/schema/render.js';
import type { Value } from '../../../src/domain/schema/values.js';
import type { TargetConfig } from '../../../src/targets/config.js';
import type { TableRef } from '../../../src/targets/ddl/nodes.js';

/**
 * @duckdb/node-api 1.5.6 decodes VARCHAR with a default `new TextDecoder()`, which drops a leading U+FEFF
 * (a value that starts with a zero-width no-break space comes back without it; DuckDB stored it). The
 * decoder is a CommonJS export the vectors look up on every call, so reading back swaps in one that keeps
 * it. Test support only: jobpub itself never reads row values back from DuckDB.
 */
const accessors = createRequire(import.meta.url)('@duckdb/node-api/lib/vectors/dataAccessors.js') as {
  textDecoder: { decode(bytes: Uint8Array): string };
};
accessors.textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Every row of a DuckDB table as canonical JSON for the results' logical schema (render.ts). Values are
 * read as DuckDB's typed values (bigint, unscaled decimals, µs/ns counts), never through a double or a
 * JS Date, and converted to the logical type's in-memory form before rendering, so a column stored in a
 * different but exact type (decimal(40,2) as VARCHAR, timestamp(ms) as µs TIMESTAMP, timestamp(ns, utc)
 * as TIMESTAMPTZ) reads back as the results' value. Opens the file itself, read-only, and closes it.
 */
export async function readBack(
  config: TargetConfig,
  table: TableRef,
  schema: Schema,
): Promise<Record<string, Json>[]> {
  if (config.kind !== 'duckdb') throw new Error(`readBack(duckdb) got a ${config.kind} config`);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const instance = await DuckDBInstance.create(config.file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const cols = schema.fields.map((f) => q(f.name)).join(', ');
    const reader = await conn.runAndReadAll(
      `SELECT ${cols} FROM ${q(table.namespace ?? 'main')}.${q(table.name)}`,
    );
    return reader
      .getRows()
      .map((row) =>
        Object.fromEntries(
          schema.fields.map((f, i) => [f.name, renderValue(f.type, fromDuck(f.type, row[i] ?? null))]),
        ),
      );
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A DuckDB value as the in-memory Value of `type` (src/domain/schema/values.ts). */
export function fromDuck(type: LogicalType, v: DuckDBValue): Value {
  if (v === null) return null;
  switch (type.kind) {
    case 'boolean':
      return v as boolean;
    case 'int':
      return type.bits === 64 ? BigInt(v as bigint | number) : Number(v);
    case 'float':
    case 'double':
      return v as number;
    case 'decimal':
      return decimal(v, type.scale);
    case 'string':
      return typeof v === 'string' ? v : String(v);
    case 'uuid':
      return v instanceof DuckDBUUIDValue ? v.toString() : String(v);
    case 'binary':
      return (v as DuckDBBlobValue).bytes;
    case 'date':
      return (v as DuckDBDateValue).days;
    case 'time':
    case 'timestamp':
      return temporal(v, type.unit);
    case 'list':
      return (v as DuckDBListValue).items.map((x) => fromDuck(type.element.type, x));
    case 'struct': {
      const entries = (v as DuckDBStructValue).entries;
      return type.fields.map((f) => fromDuck(f.type, entries[f.name] ?? null));
    }
    case 'map':
      return (v as DuckDBMapValue).entries.map((e) => [
        fromDuck(type.key.type, e.key),
        fromDuck(type.value.type, e.value),
      ]);
  }
}

function decimal(v: DuckDBValue, scale: number): bigint {
  if (v instanceof DuckDBDecimalValue) return rescale(v.value, v.scale, scale);
  if (typeof v === 'bigint') return v * 10n ** BigInt(scale);
  // Stored as text (a decimal wider than DuckDB's 38 digits): `-123.4500`.
  const text = String(v);
  const neg = text.startsWith('-');
  const [whole = '', frac = ''] = text.replace(/^[-+]/, '').split('.');
  const unscaled = rescale(BigInt(`${whole || '0'}${frac}`), frac.length, scale);
  return neg ? -unscaled : unscaled;
}

function rescale(value: bigint, from: number, to: number): bigint {
  if (to >= from) return value * 10n ** BigInt(to - from);
  const div = 10n ** BigInt(from - to);
  if (value % div !== 0n) throw new Error(`decimal ${value}e-${from} has more places than scale ${to}`);
  return value / div;
}

/** A DuckDB time or timestamp as a count of `unit`. */
function temporal(v: DuckDBValue, unit: TimeUnit): bigint {
  let count: bigint;
  let stored: TimeUnit;
  if (v instanceof DuckDBTimestampNanosecondsValue) [count, stored] = [v.nanos, 'ns'];
  else if (v instanceof DuckDBTimeNSValue) [count, stored] = [v.nanos, 'ns'];
  else if (v instanceof DuckDBTimestampMillisecondsValue) [count, stored] = [v.millis, 'ms'];
  else if (
    v instanceof DuckDBTimestampValue ||
    v instanceof DuckDBTimestampTZValue ||
    v instanceof DuckDBTimeValue
  ) {
    [count, stored] = [v.micros, 'us'];
  } else throw new Error(`not a DuckDB time or timestamp: ${String(v)}`);
  const from = unitsPerSecond(stored);
  const to = unitsPerSecond(unit);
  if (to >= from) return count * (to / from);
  if (count % (from / to) !== 0n) throw new Error(`${String(v)} has digits finer than ${unit}`);
  return count / (from / to);
}
