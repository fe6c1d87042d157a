import pg from 'pg';
import {
  type Field,
  type Json,
  type LogicalType,
  renderDate,
  renderFloat,
  renderTimeOfDay,
  renderTimestamp,
  type Schema,
} from '../../../src/domain/schema/index.js';
import type { PostgresConfig } from '../../../src/targets/config.js';
import type { TableRef } from '../../../src/targets/ddl/nodes.js';
import { Num, type Parsed, parseExactJson } from '../exact-json.js';

/**
 * Reads a PostgreSQL table back as canonical JSON rows (src/domain/schema/render.ts) for the results'
 * logical schema, in no particular order. Nothing passes through a JS float or Date on the way: numbers
 * come as text, dates as day numbers, times and timestamps as whole microseconds from `extract(epoch)`,
 * jsonb as text parsed with every number literal kept.
 *
 * jsonb keeps one entry per object key and orders keys its own way (shorter first), so a map<string, …>
 * comes back with its entries reordered: compare maps as sets (sortMapEntries on both sides).
 */
export async function readBack(
  config: PostgresConfig,
  table: TableRef,
  schema: Schema,
): Promise<Record<string, Json>[]> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(config.password !== undefined ? { password: config.password } : {}),
  });
  await client.connect();
  try {
    await client.query("SET TIME ZONE 'UTC'");
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const from = table.namespace === undefined ? q(table.name) : `${q(table.namespace)}.${q(table.name)}`;
    const list = schema.fields.map((f, i) => `${selectExpr(f.type, q(f.name))} AS c${i}`);
    const sql = list.length === 0 ? `SELECT FROM ${from}` : `SELECT ${list.join(', ')} FROM ${from}`;
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return rows.map((r) =>
      Object.fromEntries(schema.fields.map((f, i) => [f.name, fromDb(f.type, r[`c${i}`])])),
    );
  } finally {
    await client.end();
  }
}

const MICROS = (x: string) => `(extract(epoch from ${x}) * 1000000)::bigint::text`;

function selectExpr(type: LogicalType, col: string): string {
  switch (type.kind) {
    case 'boolean':
    case 'binary':
      return col;
    case 'date':
      return `(${col} - DATE '1970-01-01')`;
    case 'time':
    case 'timestamp':
      return MICROS(col);
    default:
      return `${col}::text`;
  }
}

const fromMicros = (us: bigint, unit: 'ms' | 'us' | 'ns') =>
  unit === 'ms' ? us / 1000n : unit === 'ns' ? us * 1000n : us;

function fromDb(type: LogicalType, v: unknown): Json {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      return v as boolean;
    case 'int':
      return type.bits === 64 ? (v as string) : Number(v);
    case 'float':
      return renderFloat(Math.fround(Number(v)));
    case 'double':
      return renderFloat(Number(v));
    case 'binary':
      return (v as Buffer).toString('base64');
    case 'date':
      return renderDate(Number(v));
    case 'time':
      return renderTimeOfDay(fromMicros(BigInt(v as string), type.unit), type.unit);
    case 'timestamp':
      return renderTimestamp(fromMicros(BigInt(v as string), type.unit), type.unit, type.utc);
    case 'list':
    case 'struct':
    case 'map':
      return fromJson(type, parseExactJson(v as string));
    default: // decimal, string, uuid: PostgreSQL's text is the canonical text
      return v as string;
  }
}

function fromJson(type: LogicalType, j: Parsed): Json {
  if (j === null) return null;
  const num = (x: Parsed) => (x instanceof Num ? x.text : String(x));
  switch (type.kind) {
    case 'boolean':
      return j as boolean;
    case 'int':
      return type.bits === 64 ? num(j) : Number(num(j));
    case 'float':
      return renderFloat(Math.fround(Number(num(j))));
    case 'double':
      return renderFloat(Number(num(j)));
    case 'decimal':
      return num(j);
    case 'list':
      return (j as Parsed[]).map((x) => fromJson(type.element.type, x));
    case 'struct': {
      const o = j as { [k: string]: Parsed };
      return Object.fromEntries(type.fields.map((f: Field) => [f.name, fromJson(f.type, o[f.name] ?? null)]));
    }
    case 'map':
      if (type.key.type.kind === 'string') {
        return Object.entries(j as { [k: string]: Parsed }).map(([k, x]) => ({
          key: k,
          value: fromJson(type.value.type, x),
        }));
      }
      return (j as { key: Parsed; value: Parsed }[]).map((e) => ({
        key: fromJson(type.key.type, e.key),
        value: fromJson(type.value.type, e.value),
      }));
    default: // string, uuid, binary (base64), date, time, timestamp: already canonical strings
      return j as string;
  }
}

/** Map entries in a stable order (by the JSON text of the key), recursively: for comparing maps as sets. */
export function sortMapEntries(
  schema: Schema,
  rows: readonly Record<string, Json>[],
): Record<string, Json>[] {
  const walk = (type: LogicalType, j: Json): Json => {
    if (j === null) return null;
    switch (type.kind) {
      case 'list':
        return (j as Json[]).map((x) => walk(type.element.type, x));
      case 'struct':
        return Object.fromEntries(
          type.fields.map((f) => [f.name, walk(f.type, (j as Record<string, Json>)[f.name] ?? null)]),
        );
      case 'map':
        return (j as { key: Json; value: Json }[])
          .map((e) => ({ key: walk(type.key.type, e.key), value: walk(type.value.type, e.value) }))
          .sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
      default:
        return j;
    }
  };
  return rows.map((r) =>
    Object.fromEntries(schema.fields.map((f) => [f.name, walk(f.type, r[f.name] ?? null)])),
  );
}
