import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import {
  getJob,
  makeConnection,
  makeJobGroup,
  makeRecipe,
  postgresConnection,
  publish,
  waitForEnd,
  waitForJob,
} from './support/api.js';
import { BIG_ROWS, bigParquet, PG_CHECKSUM_SQL, parquetChecksum } from './support/big.js';
import { NARROW_COLUMNS, pgSchema } from './support/pg.js';
import { FIXTURES, freshDataDir, keepOnFailure, startServer, useServers } from './support/server.js';

/**
 * Durable jobs (issue 4): the server is SIGKILLed while two publishes are loading; a new process on the
 * same data directory reclaims them when their lease runs out, runs them again, and each ends Complete
 * on its second attempt with the rows in the target exactly once (count, distinct ids and sums against
 * the Parquet file as DuckDB reads it) and no staging table left behind.
 */
useServers();

const ROWS = BIG_ROWS;
const dropOnPass = keepOnFailure();

it('a publish killed midway is run again by the next process and lands exactly once', async () => {
  const big = bigParquet(ROWS);
  const want = await parquetChecksum(big);
  expect(want.rows).toBe(String(ROWS));
  const db = await pgSchema('svc_restart');
  dropOnPass(db.drop);
  const q = (t: string) => `"${db.schema}"."${t}"`;
  // `load` appends to a table that already holds two rows: a second copy of the rows would show.
  await db.client.query(`CREATE TABLE ${q('appended')} (${NARROW_COLUMNS})`);
  await db.client.query(
    `INSERT INTO ${q('appended')} (id, qty, amount, label) VALUES (-1, 0, 0, 'before'), (-2, 0, 0, 'before')`,
  );
  // `dropAndLoad` replaces a table (through a staging table) that holds one old row.
  await db.client.query(`CREATE TABLE ${q('replaced')} (old_column text)`);
  await db.client.query(`INSERT INTO ${q('replaced')} VALUES ('old row')`);

  const dataDir = freshDataDir();
  const opts = {
    dataDir,
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '2', JOBPUB_CONCURRENCY: '2' },
  };
  const first = await startServer({ ...opts, label: 'restart-first' });
  const recipe = await makeRecipe(first, 'restart');
  const group = await makeJobGroup(first, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  expect(group.results[0]?.rowCount).toBe(ROWS);
  const connection = await makeConnection(first, postgresConnection('pg-restart'));
  const body = (action: string, table: string) => ({
    connection: { id: connection },
    path: [db.schema],
    table,
    action,
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });
  const load = await publish(first, group.id, body('load', 'appended'));
  const replace = await publish(first, group.id, body('dropAndLoad', 'replaced'));

  const loading = (j: { status: string; rowsWritten: number }) =>
    j.status === 'InProgress' && j.rowsWritten > 0;
  const seen = await Promise.all([
    waitForJob(first, load.id, loading, 120_000),
    waitForJob(first, replace.id, loading, 120_000),
  ]);
  for (const j of seen) {
    expect(j.attempts).toBe(1);
    expect(j.rowsWritten).toBeLessThan(ROWS);
  }
  const killed = await first.kill('SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  // Nothing of the dead attempt is visible: the appended table still holds its two rows.
  expect((await db.client.query(`SELECT count(*)::int AS n FROM ${q('appended')}`)).rows[0].n).toBe(2);

  const second = await startServer({ ...opts, label: 'restart-second' });
  const [loaded, replaced] = await Promise.all([
    waitForEnd(second, load.id, 240_000),
    waitForEnd(second, replace.id, 240_000),
  ]);
  for (const j of [loaded, replaced]) {
    expect(j.status, `${j.action}: ${j.errorMessage}`).toBe('Complete');
    expect(j.attempts).toBe(2);
    expect(j.rowsWritten).toBe(ROWS);
    expect(j.errorMessage).toBeNull();
  }
  // The second process ran both (a log line per job, naming it).
  const started = second.logs().filter((l) => l.msg === 'publish job started');
  expect(started.map((l) => l.jobId).sort()).toEqual([load.id, replace.id].sort());

  const sum = async (t: string) => (await db.client.query(PG_CHECKSUM_SQL(q(t)))).rows[0];
  expect(await sum('appended')).toEqual({
    rows: String(ROWS + 2),
    distinctIds: String(ROWS + 2),
    sumId: String(BigInt(want.sumId) - 3n),
    sumQty: want.sumQty,
    sumAmount: want.sumAmount,
  });
  expect(await sum('replaced')).toEqual(want);
  expect(await db.tables()).toEqual(['appended', 'replaced']);
  // The job group itself stays Complete (a publish is a job inside it).
  expect((await second.api('GET', `/v4/jobGroups/${group.id}/status`)).body).toBe('Complete');
  expect((await getJob(second, load.id)).finalTable).toBe('appended');
}, 300_000);
