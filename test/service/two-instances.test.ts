import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Json } from '../../src/domain/schema/index.js';
import { openResults } from '../../src/formats/open.js';
import { loadCases } from '../support/cases.js';
import { sortByJson } from '../support/results.js';
import * as stored from '../support/stored/postgres.js';
import { postgres, type Sandbox } from '../support/targets.js';
import {
  type Job,
  makeConnection,
  makeJobGroup,
  makeRecipe,
  postgresConnection,
  publish,
  waitForEnd,
  waitForJob,
} from './support/api.js';
import { BIG_ROWS, bigParquet, PG_CHECKSUM_SQL, parquetChecksum } from './support/big.js';
import { NARROW_COLUMNS } from './support/pg.js';
import { FIXTURES, killAll, type Server, startServer, useServers } from './support/server.js';

/**
 * Two instances over one PostgreSQL metadata database share the queue (issue 4): 20 publishes sent to
 * both, each claimed by exactly one instance and run exactly once, and both instances did work. Then a
 * worker that stops heartbeating (its process paused past the lease) loses its job to the other
 * instance, and the rows still land exactly once.
 */
useServers();

const JOBS = 20;
const FIXTURE = 'pqt/delta_wide.case.json';
const metaDb = `jp_meta_${randomBytes(4).toString('hex')}`;
const admin = () => new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
let box: Sandbox;
let servers: [Server, Server];
let failed = false;

beforeAll(async () => {
  const a = admin();
  await a.connect();
  await a.query(`CREATE DATABASE "${metaDb}"`);
  await a.end();
  box = await postgres.fresh('svc_two');
  const env = {
    JOBPUB_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${metaDb}`,
    JOBPUB_SECRET_KEY: randomBytes(32).toString('hex'),
    JOBPUB_CONCURRENCY: '2',
    JOBPUB_LEASE_SECONDS: '3',
  };
  const storageRoots = [FIXTURES, path.dirname(bigParquet(BIG_ROWS))];
  // Started together: migrations and the bootstrap admin must cope with a twin starting at once.
  servers = await Promise.all([
    startServer({ label: 'instance-a', env, storageRoots }),
    startServer({ label: 'instance-b', env, storageRoots }),
  ]);
});

afterAll(async () => {
  await killAll(); // before the database they use goes
  const c = admin();
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${metaDb}" WITH (FORCE)`);
  await c.end();
  if (box && !failed) await box.drop();
});

it('20 publishes across two instances each run exactly once, on both instances', async () => {
  failed = true;
  const c = loadCases().find((x) => x.file === path.join(FIXTURES, FIXTURE));
  if (!c?.rows) throw new Error(`${FIXTURE} has no expected rows`);
  const location = path.resolve(path.dirname(c.file), c.path);
  const { schema } = await openResults(location, c.format, c.options ?? {});
  expect(stored.firstUnstorable(schema.fields, c.rows)).toBeUndefined();
  const shape = (rows: readonly Record<string, Json>[]) => sortByJson(stored.normalize(schema, rows));
  const want = shape(c.rows.map((r) => stored.rowAsStored(schema.fields, r)));

  const [one, two] = servers;
  expect(one.dataDir).not.toBe(two.dataDir);
  // Made on one instance, used through the other: the shared key opens the other's credentials.
  const recipe = await makeRecipe(one, 'two-instances');
  const group = await makeJobGroup(two, recipe, [{ format: 'pqt', uri: pathToFileURL(location).href }]);
  const connection = await makeConnection(one, postgresConnection('pg-two'));

  const tables = Array.from({ length: JOBS }, (_, i) => `t_${String(i).padStart(2, '0')}`);
  const jobs: Job[] = await Promise.all(
    tables.map((table, i) =>
      publish(servers[i % 2]!, group.id, {
        connection: { id: connection },
        path: box.path,
        table,
        action: 'dropAndLoad',
        inputFormat: 'pqt',
        flowNodeId: recipe,
      }),
    ),
  );
  expect(new Set(jobs.map((j) => j.id)).size).toBe(JOBS);

  const ended = await Promise.all(jobs.map((j, i) => waitForEnd(servers[(i + 1) % 2]!, j.id, 180_000)));
  for (const j of ended) {
    expect(j.status, `${j.table}: ${j.errorMessage}`).toBe('Complete');
    expect(j.attempts).toBe(1);
    expect(j.rowsWritten).toBe(c.rowCount);
  }
  for (const t of tables) expect(shape(await box.rows(t, schema)), t).toEqual(want);
  expect(await box.tables()).toEqual(tables);

  // Who ran what: each process logs "publish job started" with the job's id, once per claim.
  const ran = servers.map((s) =>
    s
      .logs()
      .filter((l) => l.msg === 'publish job started')
      .map((l) => l.jobId),
  );
  const all = ran.flat();
  expect(all.sort()).toEqual(jobs.map((j) => j.id).sort());
  expect(ran[0]!.length, `instance a ran ${ran[0]!.length}, b ran ${ran[1]!.length}`).toBeGreaterThan(0);
  expect(ran[1]!.length, `instance a ran ${ran[0]!.length}, b ran ${ran[1]!.length}`).toBeGreaterThan(0);
  failed = false;
}, 240_000);

it('an instance paused past its lease loses the job to the other, which runs it exactly once', async () => {
  failed = true;
  const big = bigParquet(BIG_ROWS);
  const want = await parquetChecksum(big);
  const [one, two] = servers;
  const pgc = admin();
  await pgc.connect();
  const events = `"${box.namespace}"."events"`;
  try {
    await pgc.query(`CREATE TABLE ${events} (${NARROW_COLUMNS})`);
    await pgc.query(`INSERT INTO ${events} (id, qty, amount) VALUES (-1, 0, 0), (-2, 0, 0)`);
    const recipe = await makeRecipe(one, 'takeover');
    const group = await makeJobGroup(one, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
    const connection = await makeConnection(two, postgresConnection('pg-takeover'));
    const job = await publish(one, group.id, {
      connection: { id: connection },
      path: box.path,
      table: 'events',
      action: 'load',
      inputFormat: 'pqt',
      flowNodeId: recipe,
    });
    await waitForJob(one, job.id, (j) => j.status === 'InProgress' && j.rowsWritten > 0, 120_000);
    const runs = (s: Server) =>
      s.logs().filter((l) => l.msg === 'publish job started' && l.jobId === job.id).length;
    const [paused, other] = runs(one) === 1 ? [one, two] : [two, one];
    expect(runs(paused)).toBe(1);

    process.kill(paused.pid, 'SIGSTOP');
    try {
      // The other instance takes the job over once the 3 s lease has run out.
      await waitForJob(other, job.id, (j) => j.attempts === 2, 60_000);
      expect(runs(other)).toBe(1);
      await sleep(500);
    } finally {
      process.kill(paused.pid, 'SIGCONT');
    }

    const done = await waitForEnd(other, job.id, 240_000);
    expect(done.status, String(done.errorMessage)).toBe('Complete');
    expect(done.attempts).toBe(2);
    // The resumed instance saw it had lost the job, stopped its run (rolled back) and recorded nothing.
    const lost = paused.logs().find((l) => l.jobId === job.id && l.msg?.startsWith('lease lost'));
    expect(lost).toBeDefined();
    expect((await pgc.query(PG_CHECKSUM_SQL(events))).rows[0]).toEqual({
      ...want,
      rows: String(BIG_ROWS + 2),
      distinctIds: String(BIG_ROWS + 2),
      sumId: String(BigInt(want.sumId) - 3n),
    });
    failed = false;
  } finally {
    await pgc.end();
  }
}, 240_000);
