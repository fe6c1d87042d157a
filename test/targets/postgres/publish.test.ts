import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import {
  batchFromRows,
  daysFromCivil,
  field,
  schema as mkSchema,
  renderValue,
  t,
  type Value,
} from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { type PublishEvents, publish } from '../../../src/publish/executor.js';
import type { PostgresConfig } from '../../../src/targets/config.js';
import { postgresTarget } from '../../../src/targets/postgres/target.js';
import { readBack } from '../../support/readback/postgres.js';
import { memoryResults, sortByJson } from '../../support/results.js';
import { failure } from '../../support/stored/postgres.js';
import { postgres, type Sandbox } from '../../support/targets.js';

/**
 * The promises of publishing.md section 1 on a real PostgreSQL: readers see the old state until COMMIT,
 * a failure mid-load leaves the table exactly as it was and no staging table behind, names get their
 * suffixes, leftovers of dead sessions are removed, two publishes of one table do not interleave.
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SCHEMA = mkSchema([
  field('id', t.int64(), false),
  field('name', t.string()),
  field('tags', t.list(t.string())),
]);
const row = (i: number): Value[] => [BigInt(i), `name ${i}`, [`t${i % 3}`]];
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => row(from + i));

let box: Sandbox | undefined;
const clients: pg.Client[] = [];
afterEach(async (ctx) => {
  for (const c of clients.splice(0)) await c.end().catch(() => {});
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

async function setup(label: string) {
  box = await postgres.fresh(label);
  const config = box.config as PostgresConfig;
  return { b: box, config, target: postgresTarget(config) };
}

async function reader(config: PostgresConfig): Promise<pg.Client> {
  const c = new pg.Client({
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
  });
  await c.connect();
  clients.push(c);
  return c;
}

const ids = async (c: pg.Client, b: Sandbox, table = 't') =>
  (await c.query(`SELECT id::text AS v FROM "${b.namespace}"."${table}" ORDER BY id`)).rows.map((r) =>
    Number(r.v),
  );

const run = (
  target: ReturnType<typeof postgresTarget>,
  b: Sandbox,
  results: OpenedResults,
  action: Parameters<typeof publish>[0]['action'],
  events: PublishEvents = {},
  table = 't',
) => publish({ target, results, path: b.path, table, action, now: NOW }, events);

describe('postgres: what readers see while a publish runs', () => {
  for (const action of ['dropAndLoad', 'truncateAndLoad', 'load'] as const) {
    it(`${action}: another connection sees the old rows until COMMIT`, async () => {
      const { b, config, target } = await setup(`read_${action}`);
      await run(target, b, memoryResults(SCHEMA, rows(0, 3)), 'createAndLoad');
      await b.exec(`ALTER TABLE "t_20260102030405" RENAME TO t`);
      const other = await reader(config);
      let seen: number[] | undefined;
      let tablesDuring: string[] = [];
      const out = await run(target, b, memoryResults(SCHEMA, rows(100, 5), 2), action, {
        onStep: async (s) => {
          if (s.name === 'verify row count') {
            seen = await ids(other, b);
            tablesDuring = await b.tables();
          }
        },
      });
      expect(seen).toEqual([0, 1, 2]);
      if (action === 'dropAndLoad') expect(tablesDuring).toEqual(['t']); // the staging table is not visible yet
      const after = await ids(other, b);
      expect(after).toEqual(
        action === 'load' ? [0, 1, 2, 100, 101, 102, 103, 104] : [100, 101, 102, 103, 104],
      );
      expect(out.rowsWritten).toBe(5);
      expect(await b.tables()).toEqual(['t']);
    });
  }

  it('create / createAndLoad: no new table is visible before COMMIT; names get _2, _3', async () => {
    const { b, config, target } = await setup('names');
    const other = await reader(config);
    let during: string[] | undefined;
    const first = await run(target, b, memoryResults(SCHEMA, rows(0, 2)), 'createAndLoad', {
      onStep: async (s) => {
        if (s.name === 'commit') {
          during = (
            await other.query('SELECT tablename FROM pg_tables WHERE schemaname = $1', [b.namespace])
          ).rows.map((r) => r.tablename);
        }
      },
    });
    expect(during).toEqual([]);
    expect(first.finalTable.name).toBe('t_20260102030405');
    expect((await run(target, b, memoryResults(SCHEMA, []), 'create')).finalTable.name).toBe(
      't_20260102030405_2',
    );
    expect((await run(target, b, memoryResults(SCHEMA, rows(0, 1)), 'createAndLoad')).finalTable.name).toBe(
      't_20260102030405_3',
    );
    expect(await b.tables()).toEqual(['t_20260102030405', 't_20260102030405_2', 't_20260102030405_3']);
  });
});

describe('postgres: a failure leaves the target exactly as it was', () => {
  /** 300 rows in batches of 50; row 201 (1-based) holds a value PostgreSQL (jsonb) refuses. */
  const poisoned = () => {
    const all = rows(1000, 300);
    all[200] = [1200n, 'bad', ['a\u0000b']];
    return memoryResults(SCHEMA, all, 50);
  };

  for (const action of ['dropAndLoad', 'truncateAndLoad', 'load', 'createAndLoad'] as const) {
    it(`${action}: a value PostgreSQL refuses mid-COPY names row and column, and changes nothing`, async () => {
      const { b, target } = await setup(`fail_${action}`);
      await b.exec(
        `CREATE TABLE t (id bigint NOT NULL, name text, tags jsonb); INSERT INTO t VALUES (1, 'one', '["x"]'), (2, NULL, NULL)`,
      );
      const before = await b.snapshot('t');
      const e = await failure(run(target, b, poisoned(), action));
      expect(isJobpubError(e) && e.code).toBe('TARGET_REJECTED');
      expect(e.message).toContain('row 201');
      expect(e.message).toContain('column "tags"');
      expect(await b.snapshot('t')).toEqual(before);
      expect(await b.tables()).toEqual(['t']);
    });
  }

  it('a value jobpub refuses (NUL in text) aborts the COPY and changes nothing', async () => {
    const { b, target } = await setup('fail_nul');
    await b.exec(
      `CREATE TABLE t (id bigint NOT NULL, name text, tags jsonb); INSERT INTO t VALUES (1, 'one', NULL)`,
    );
    const before = await b.snapshot('t');
    const all = rows(0, 120);
    all[99] = [99n, 'a\u0000', null];
    for (const action of ['dropAndLoad', 'truncateAndLoad', 'load'] as const) {
      const e = await failure(run(target, b, memoryResults(SCHEMA, all, 40), action));
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toMatch(/row 100: column "name": .*NUL/);
      expect(await b.snapshot('t')).toEqual(before);
      expect(await b.tables()).toEqual(['t']);
    }
  });

  it('a connection killed during the publish is TARGET_UNAVAILABLE (transient) and changes nothing', async () => {
    const { b, config, target } = await setup('killed');
    await b.exec(
      `CREATE TABLE t (id bigint NOT NULL, name text, tags jsonb); INSERT INTO t VALUES (1, 'one', NULL)`,
    );
    const before = await b.snapshot('t');
    const admin = await reader(config);
    const e = await failure(
      run(target, b, memoryResults(SCHEMA, rows(0, 10)), 'truncateAndLoad', {
        onStep: async (s) => {
          if (s.name === 'load') {
            await admin.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'jobpub' AND pid <> pg_backend_pid() AND query NOT ILIKE '%pg_stat_activity%' AND state = 'idle in transaction'",
            );
          }
        },
      }),
    );
    expect(e.code).toBe('TARGET_UNAVAILABLE');
    expect(isJobpubError(e) && e.terminal).toBe(false);
    expect(await b.snapshot('t')).toEqual(before);
  });

  it('load into a missing table fails and creates nothing', async () => {
    const { b, target } = await setup('missing');
    const e = await failure(run(target, b, memoryResults(SCHEMA, rows(0, 2)), 'load'));
    expect(e.code).toBe('PUBLISH_TABLE_MISSING');
    expect(await b.tables()).toEqual([]);
  });
});

describe('postgres: existing tables, leftovers, locks, progress', () => {
  it('loads into wider existing columns and fills defaults (binary COPY where the types allow)', async () => {
    const { b, config, target } = await setup('widen');
    await b.exec(
      `CREATE TABLE t (id bigint NOT NULL, n numeric, label varchar(20), extra int DEFAULT 5, at timestamptz)`,
    );
    const s = mkSchema([
      field('id', t.int32(), false),
      field('n', t.int64()),
      field('label', t.string()),
      field('at', t.timestamp('ms', false)),
    ]);
    const out = await run(
      target,
      b,
      memoryResults(s, [
        [1, 2n ** 62n, 'x', 0n],
        [2, null, '', 1_700_000_000_123n],
      ]),
      'load',
    );
    expect(out.warnings).toEqual([
      'column "at": wall-clock times are taken as UTC in a column with time zone',
    ]);
    const c = await reader(config);
    const got = (
      await c.query(`SELECT id, n::text, label, extra, at::text FROM "${b.namespace}".t ORDER BY id`)
    ).rows;
    expect(got).toEqual([
      { id: '1', n: '4611686018427387904', label: 'x', extra: 5, at: '1970-01-01 00:00:00+00' },
      { id: '2', n: null, label: '', extra: 5, at: '2023-11-14 22:13:20.123+00' },
    ]);
  });

  it('falls back to COPY text where a column has no binary encoder (numbers into text, ints into double)', async () => {
    const { b, config, target } = await setup('textpath');
    await b.exec(
      `CREATE TABLE t (id bigint NOT NULL, code text, ratio double precision, day timestamp, tags jsonb)`,
    );
    const s = mkSchema([
      field('id', t.int64(), false),
      field('code', t.decimal(6, 2)),
      field('ratio', t.int32()),
      field('day', t.date()),
      field('tags', t.list(t.string())),
    ]);
    const out = await run(
      target,
      b,
      memoryResults(s, [
        [1n, -1234n, 7, 0, ['a\\b', 'c\td']],
        [2n, null, null, null, null],
      ]),
      'load',
    );
    expect(out.warnings).toEqual(['column "day": dates become timestamps at midnight']);
    const c = await reader(config);
    const got = (
      await c.query(`SELECT id::int, code, ratio, day::text, tags::text FROM "${b.namespace}".t ORDER BY id`)
    ).rows;
    expect(got).toEqual([
      { id: 1, code: '-12.34', ratio: 7, day: '1970-01-01 00:00:00', tags: '["a\\\\b", "c\\td"]' },
      { id: 2, code: null, ratio: null, day: null, tags: null },
    ]);
  });

  it('keeps integers of every width and decimals at their edges exactly', async () => {
    const { b, config, target } = await setup('numbers');
    const s = mkSchema([
      field('i8', t.int8()),
      field('u8', t.int(8, false)),
      field('i16', t.int16()),
      field('u16', t.int(16, false)),
      field('u32', t.int(32, false)),
      field('u64', t.int(64, false)),
      field('d38', t.decimal(38, 10)),
      field('d5', t.decimal(5, 0)),
      field('d4', t.decimal(4, 4)),
      field('d20', t.decimal(20, 20)),
    ]);
    const nines = 10n ** 38n - 1n;
    const values: Value[][] = [
      [-128, 255, -32768, 65535, 4294967295, 18446744073709551615n, nines, 99999n, 9999n, 1n],
      [127, 0, 32767, 0, 0, 0n, -nines, -10000n, -1n, -(10n ** 20n - 1n)],
      [0, 1, 0, 1, 1, 1n, 0n, 0n, 0n, 0n],
      [-1, 128, -1, 10000, 100000000, 10000000000000000n, 1234567890000000000n, 10000n, -9999n, 10n ** 16n],
      [null, null, null, null, null, null, -1n, null, null, null],
    ];
    const out = await run(target, b, memoryResults(s, values), 'dropAndLoad');
    expect(out.rowsWritten).toBe(values.length);
    const back = sortByJson(await readBack(config, { namespace: b.namespace, name: 't' }, s));
    const want = sortByJson(
      values.map((r) => Object.fromEntries(s.fields.map((f, i) => [f.name, renderValue(f.type, r[i]!)]))),
    );
    expect(back).toEqual(want);
  });

  it('keeps years outside 1..9999 exactly', async () => {
    const { b, config, target } = await setup('years');
    const s = mkSchema([
      field('d', t.date()),
      field('ts', t.timestamp('us', true)),
      field('lts', t.timestamp('ms', false)),
    ]);
    // 44 BC (astronomical -43), 1 BC (year 0), 10000: each at midnight, and at 12:00:00.000001
    const days = [daysFromCivil(-43, 3, 15), daysFromCivil(0, 1, 1), daysFromCivil(10000, 1, 1)];
    const values = days.map((d): Value[] => [
      d,
      BigInt(d) * 86_400_000_000n + 43_200_000_001n,
      BigInt(d) * 86_400_000n,
    ]);
    const out = await run(target, b, memoryResults(s, values), 'dropAndLoad');
    expect(out.rowsWritten).toBe(3);
    const back = sortByJson(await readBack(config, { namespace: b.namespace, name: 't' }, s));
    expect(back).toEqual(
      sortByJson([
        { d: '-000043-03-15', ts: '-000043-03-15T12:00:00.000001Z', lts: '-000043-03-15T00:00:00.000' },
        { d: '0000-01-01', ts: '0000-01-01T12:00:00.000001Z', lts: '0000-01-01T00:00:00.000' },
        { d: '+010000-01-01', ts: '+010000-01-01T12:00:00.000001Z', lts: '+010000-01-01T00:00:00.000' },
      ]),
    );
  });

  it('drops staging tables of dead sessions, keeps those of live ones', async () => {
    const { b, config, target } = await setup('leftovers');
    const dead = stagingName(randomUUID(), 'stg');
    const liveId = randomUUID();
    const live = stagingName(liveId, 'stg');
    await b.exec(`CREATE TABLE "${dead}" (x int); CREATE TABLE "${live}" (x int)`);
    const holder = await reader(config);
    await holder.query(`SELECT pg_advisory_lock(hashtextextended('jobpub:' || $1, 0))`, [
      `session:${liveId}`,
    ]);
    const out = await run(target, b, memoryResults(SCHEMA, rows(0, 1)), 'dropAndLoad');
    expect(out.steps.map((s) => s.name)).toContain(`drop leftover ${dead}`);
    expect(await b.tables()).toEqual([live, 't'].sort());
  });

  it('two publishes of one table do not interleave', async () => {
    const { b, target } = await setup('locks');
    const order: string[] = [];
    let releaseFirst!: () => void;
    const gate = new Promise<void>((r) => {
      releaseFirst = r;
    });
    let firstInLoad!: () => void;
    const inLoad = new Promise<void>((r) => {
      firstInLoad = r;
    });
    const first = run(target, b, memoryResults(SCHEMA, rows(0, 2)), 'dropAndLoad', {
      onStep: async (s) => {
        order.push(`A ${s.name}`);
        if (s.name === 'load') {
          firstInLoad();
          await gate;
        }
      },
    });
    await inLoad;
    const second = run(target, b, memoryResults(SCHEMA, rows(10, 2)), 'dropAndLoad', {
      onStep: (s) => {
        order.push(`B ${s.name}`);
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(order.filter((s) => s.startsWith('B'))).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order.indexOf('A commit')).toBeLessThan(order.indexOf('B begin'));
    expect(await b.tables()).toEqual(['t']);
  });

  it('streams a large load in batches, reporting progress', async () => {
    const { b, target } = await setup('progress');
    const n = 60_000;
    const results: OpenedResults = {
      format: 'pqt',
      schema: SCHEMA,
      rowCount: n,
      files: [],
      async *batches() {
        for (let i = 0; i < n; i += 10_000) {
          yield batchFromRows(rows(i, 10_000), 3);
        }
      },
    };
    const seen: number[] = [];
    const out = await run(target, b, results, 'dropAndLoad', {
      onProgress: (p) => {
        if (p.phase === 'load' && p.rowsWritten > 0 && p.rowsWritten !== seen.at(-1))
          seen.push(p.rowsWritten);
      },
    });
    expect(out.rowsWritten).toBe(n);
    expect(seen).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
  });

  it('a schema.table name overrides the path', async () => {
    const { b, config, target } = await setup('override');
    const other = `${b.namespace}_x`;
    await b.exec(`CREATE SCHEMA "${other}"`);
    try {
      const out = await run(target, b, memoryResults(SCHEMA, rows(0, 2)), 'dropAndLoad', {}, `${other}.t`);
      expect(out.finalTable).toEqual({ namespace: other, name: 't' });
      const c = await reader(config);
      expect((await c.query(`SELECT count(*)::int AS n FROM "${other}".t`)).rows[0].n).toBe(2);
    } finally {
      await b.exec(`DROP SCHEMA "${other}" CASCADE`);
    }
  });
});
