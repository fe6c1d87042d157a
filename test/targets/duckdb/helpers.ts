import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Json, LogicalType, Schema } from '../../../src/domain/schema/index.js';
import { batchFromRows, type Value } from '../../../src/domain/schema/values.js';
import type { OpenedResults, ResultFormat } from '../../../src/formats/reader.js';
import { PublishFailed, type PublishRequest, publish } from '../../../src/publish/executor.js';
import { duckdbTarget } from '../../../src/targets/duckdb/target.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A DuckDB file in a fresh folder; `cleanup` removes it (call it only when the test passed). */
export function freshFile(label: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `jp_duckdb_${label}_`));
  return {
    file: path.join(dir, 'warehouse.duckdb'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Opens the file for a moment with its own instance (no publish may be running on it). */
export async function withDb<T>(
  file: string,
  f: (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>,
): Promise<T> {
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  try {
    return await f(c);
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

export const exec = (file: string, sql: string) => withDb(file, async (c) => void (await c.run(sql)));

export async function tables(file: string): Promise<string[]> {
  return withDb(file, async (c) =>
    (
      await c.runAndReadAll(
        `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`,
      )
    )
      .getRows()
      .map((r) => String(r[0])),
  );
}

/** Everything a reader of the file can see: every table's columns and rows (rows sorted). */
export async function snapshotFile(
  file: string,
): Promise<Record<string, { columns: string; rows: string[] }>> {
  return withDb(file, async (c) => {
    const out: Record<string, { columns: string; rows: string[] }> = {};
    const names = (
      await c.runAndReadAll(`SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2`)
    ).getRows();
    for (const [schema, table] of names) {
      const r = await c.runAndReadAll(`SELECT * FROM "${String(schema)}"."${String(table)}"`);
      out[`${String(schema)}.${String(table)}`] = {
        columns: r.columnNamesAndTypesJson() as unknown as string,
        rows: r
          .getRowsJson()
          .map((x) => JSON.stringify(x))
          .sort(),
      };
    }
    return out;
  });
}

export const sortRows = (rows: readonly Record<string, Json>[]) =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, r]) => r);

/** Results held in memory (one batch), for values no fixture has. */
export function memResults(schema: Schema, rows: Value[][], format: ResultFormat = 'avro'): OpenedResults {
  return {
    format,
    schema,
    rowCount: rows.length,
    files: [],
    async *batches() {
      yield batchFromRows(rows, schema.fields.length);
    },
  };
}

export const NOW = new Date('2024-01-02T03:04:05Z');

export function run(
  file: string,
  req: Omit<PublishRequest, 'target' | 'path'> & { path?: string[] },
  busyTimeoutMs?: number,
) {
  const target = duckdbTarget({ kind: 'duckdb', file }, busyTimeoutMs === undefined ? {} : { busyTimeoutMs });
  return publish({ path: ['main'], now: NOW, ...req, target });
}

/** The publish's failure (a PublishFailed), or a test failure if it succeeded. */
export async function failure(p: Promise<unknown>): Promise<PublishFailed> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof PublishFailed)) throw new Error(`expected the publish to fail, got ${String(e)}`);
  return e;
}

/**
 * The first column holding a timestamp(ns, utc) value with sub-microsecond digits (DuckDB's TIMESTAMPTZ
 * keeps µs, so such a publish must fail naming it), or undefined.
 */
export function nanosecondInstantColumn(
  schema: Schema,
  rows: readonly Record<string, Json>[],
): string | undefined {
  return schema.fields.find((f) => rows.some((r) => finerThanMicros(f.type, r[f.name] ?? null)))?.name;
}

function finerThanMicros(type: LogicalType, v: Json): boolean {
  if (v === null) return false;
  switch (type.kind) {
    case 'timestamp':
      return type.unit === 'ns' && type.utc && !/000Z$/.test(v as string);
    case 'list':
      return (v as Json[]).some((x) => finerThanMicros(type.element.type, x));
    case 'struct':
      return type.fields.some((f) => finerThanMicros(f.type, (v as Record<string, Json>)[f.name] ?? null));
    case 'map':
      return (v as { key: Json; value: Json }[]).some(
        (e) => finerThanMicros(type.key.type, e.key) || finerThanMicros(type.value.type, e.value),
      );
    default:
      return false;
  }
}

/** Whether a nested child is NOT NULL somewhere: DuckDB cannot say so of a column (see the report). */
export function hasNonNullChild(type: LogicalType): boolean {
  switch (type.kind) {
    case 'list':
      return !type.element.nullable || hasNonNullChild(type.element.type);
    case 'struct':
      return type.fields.some((f) => !f.nullable || hasNonNullChild(f.type));
    case 'map':
      return !type.value.nullable || hasNonNullChild(type.key.type) || hasNonNullChild(type.value.type);
    default:
      return false;
  }
}
