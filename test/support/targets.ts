import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Json, Schema } from '../../src/domain/schema/index.js';
import type { TargetConfig } from '../../src/targets/config.js';
import type { TableRef } from '../../src/targets/ddl/nodes.js';

/**
 * The real targets the integration suites loop over (STYLE habit 10): each test gets its own namespace
 * (a PostgreSQL schema, a MariaDB database, a DuckDB file) and keeps it when the test fails.
 */
export interface TargetHarness {
  readonly kind: 'postgres' | 'mysql' | 'duckdb';
  /** A fresh, empty namespace; answers the target config, the `path` to publish with and its URL. */
  fresh(label: string): Promise<Sandbox>;
}

export interface Sandbox {
  readonly config: TargetConfig;
  readonly url: string;
  readonly path: string[];
  readonly namespace: string;
  /** Canonical rows of a table, sorted by their JSON text. */
  rows(table: string, schema: Schema): Promise<Record<string, Json>[]>;
  /** Table names in the namespace, sorted. */
  tables(): Promise<string[]>;
  /** Runs SQL in the namespace (set-up of existing tables). */
  exec(sql: string): Promise<void>;
  /** Rows of a table as the driver returns them, in a stable order (for "exactly as before"). */
  snapshot(table: string): Promise<unknown[]>;
  drop(): Promise<void>;
}

const id = (label: string) =>
  `jp_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 20)
    .toLowerCase()}_${randomBytes(3).toString('hex')}`;
const sortRows = (rows: Record<string, Json>[]) =>
  rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([, r]) => r);

export const postgres: TargetHarness = {
  kind: 'postgres',
  async fresh(label) {
    const { default: pg } = await import('pg');
    const { readBack } = await import('./readback/postgres.js');
    const ns = id(label);
    const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${ns}"`);
    const config: TargetConfig = {
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: 'test',
    };
    const ref = (name: string): TableRef => ({ namespace: ns, name });
    return {
      config,
      url: 'postgres://postgres@127.0.0.1:5432/test',
      path: [ns],
      namespace: ns,
      rows: async (t, s) => sortRows(await readBack(config, ref(t), s)),
      tables: async () =>
        (
          await admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [ns])
        ).rows.map((r) => r.tablename),
      exec: async (sql) => {
        await admin.query(`SET search_path TO "${ns}"; ${sql}`);
      },
      snapshot: async (t) =>
        (await admin.query(`SELECT (x.*)::text AS r FROM "${ns}"."${t}" x ORDER BY 1`)).rows.map((r) => r.r),
      drop: async () => {
        await admin.query(`DROP SCHEMA "${ns}" CASCADE`);
        await admin.end();
      },
    };
  },
};

export const mysql: TargetHarness = {
  kind: 'mysql',
  async fresh(label) {
    const { default: m } = await import('mysql2/promise');
    const { readBack } = await import('./readback/mysql.js');
    const ns = id(label);
    const admin = await m.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      multipleStatements: true,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
    await admin.query(`CREATE DATABASE \`${ns}\``);
    const config: TargetConfig = { kind: 'mysql', host: '127.0.0.1', port: 3306, user: 'root', database: ns };
    const ref = (name: string): TableRef => ({ namespace: ns, name });
    return {
      config,
      url: `mysql://root@127.0.0.1:3306/${ns}`,
      path: [ns],
      namespace: ns,
      rows: async (t, s) => sortRows(await readBack(config, ref(t), s)),
      tables: async () => {
        const [rows] = await admin.query(
          'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1',
          [ns],
        );
        return (rows as { t: string }[]).map((r) => r.t);
      },
      exec: async (sql) => {
        await admin.query(`USE \`${ns}\`; ${sql}`);
      },
      snapshot: async (t) =>
        (await admin.query(`SELECT * FROM \`${ns}\`.\`${t}\` ORDER BY 1`))[0] as unknown[],
      drop: async () => {
        await admin.query(`DROP DATABASE \`${ns}\``);
        await admin.end();
      },
    };
  },
};

export const duckdb: TargetHarness = {
  kind: 'duckdb',
  async fresh(label) {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { readBack } = await import('./readback/duckdb.js');
    const file = path.join(mkdtempSync(path.join(tmpdir(), `${id(label)}-`)), 'warehouse.duckdb');
    const config: TargetConfig = { kind: 'duckdb', file };
    const ref = (name: string): TableRef => ({ namespace: 'main', name });
    // The file is opened only for a moment each time: a publish needs it to itself.
    const withConn = async <T>(
      f: (c: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDBInstance.create>>['connect']>>) => Promise<T>,
    ) => {
      const inst = await DuckDBInstance.create(file);
      const c = await inst.connect();
      try {
        return await f(c);
      } finally {
        c.closeSync();
        inst.closeSync();
      }
    };
    return {
      config,
      url: `duckdb://${file}`,
      path: ['main'],
      namespace: 'main',
      rows: async (t, s) => sortRows(await readBack(config, ref(t), s)),
      tables: () =>
        withConn(async (c) =>
          (
            await c.runAndReadAll(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
            )
          )
            .getRows()
            .map((r) => String(r[0])),
        ),
      exec: (sql) => withConn(async (c) => void (await c.run(sql))),
      snapshot: (t) =>
        withConn(async (c) => (await c.runAndReadAll(`SELECT * FROM main."${t}" ORDER BY 1`)).getRowsJS()),
      drop: async () => {},
    };
  },
};

export const TARGETS: readonly TargetHarness[] = [postgres, mysql, duckdb];
