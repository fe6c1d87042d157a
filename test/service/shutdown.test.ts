import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
import {
  FIXTURES,
  freshDataDir,
  keepOnFailure,
  type Server,
  startServer,
  useServers,
} from './support/server.js';

/**
 * SIGTERM (issue 4): the server stops taking requests at once (a new connection is refused), lets the
 * running publish finish within JOBPUB_SHUTDOWN_SECONDS, and exits 0. The job is Complete on its first
 * attempt and the next process does not run it again.
 */
useServers();

const ROWS = BIG_ROWS;
const dropOnPass = keepOnFailure();

/** Whether a request to the server is refused at the TCP level (nobody listens on its port). */
async function refused(s: Server): Promise<boolean> {
  try {
    await fetch(`${s.url}/v4/people/current`);
    return false;
  } catch (e) {
    return (e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

it('SIGTERM lets the running publish finish, refuses new requests and exits 0', async () => {
  const big = bigParquet(ROWS);
  const want = await parquetChecksum(big);
  const db = await pgSchema('svc_sigterm');
  dropOnPass(db.drop);

  const dataDir = freshDataDir();
  const opts = {
    dataDir,
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '3', JOBPUB_SHUTDOWN_SECONDS: '240' },
  };
  const server = await startServer({ ...opts, label: 'sigterm' });
  const recipe = await makeRecipe(server, 'sigterm');
  const group = await makeJobGroup(server, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  const connection = await makeConnection(server, postgresConnection('pg-sigterm'));
  const job = await publish(server, group.id, {
    connection: { id: connection },
    path: [db.schema],
    table: 'events',
    action: 'dropAndLoad',
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });
  const loading = await waitForJob(
    server,
    job.id,
    (j) => j.status === 'InProgress' && j.rowsWritten > 0,
    120_000,
  );
  expect(loading.rowsWritten).toBeLessThan(ROWS);

  const exit = server.kill('SIGTERM');
  let isRefused = false;
  for (let i = 0; i < 100 && !isRefused; i++) {
    isRefused = await refused(server);
    if (!isRefused) await sleep(50);
  }
  expect(isRefused).toBe(true);
  // Refused while the job was still running: the process is draining, not gone.
  expect(server.isRunning()).toBe(true);

  expect(await exit).toEqual({ code: 0, signal: null });
  const logs = server.logs();
  const ended = logs.find((l) => l.msg === 'publish job ended' && l.jobId === job.id);
  expect(ended?.status).toBe('Complete');
  expect(ended?.recorded).toBe(true);
  expect(logs.at(-1)?.msg).toBe('stopped');

  const sum = (await db.client.query(PG_CHECKSUM_SQL(`"${db.schema}"."events"`))).rows[0];
  expect(sum).toEqual(want);
  expect(await db.tables()).toEqual(['events']);

  // The next process finds it Complete on its first attempt, and does not run it again.
  const next = await startServer({ ...opts, label: 'after-sigterm' });
  const after = await getJob(next, job.id);
  expect(after.status).toBe('Complete');
  expect(after.attempts).toBe(1);
  expect(after.rowsWritten).toBe(ROWS);
  await sleep(500);
  expect(next.logs().filter((l) => l.msg === 'publish job started')).toEqual([]);
}, 300_000);

it('a publish still running when JOBPUB_SHUTDOWN_SECONDS runs out goes back to the queue and the next process runs it once', async () => {
  const big = bigParquet(ROWS);
  const want = await parquetChecksum(big);
  const db = await pgSchema('svc_sigterm_timeout');
  dropOnPass(db.drop);
  const events = `"${db.schema}"."events"`;
  await db.client.query(`CREATE TABLE ${events} (${NARROW_COLUMNS})`);
  await db.client.query(`INSERT INTO ${events} (id, qty, amount, label) VALUES (-1, 0, 0, 'before')`);

  const dataDir = freshDataDir();
  const opts = {
    dataDir,
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '3', JOBPUB_SHUTDOWN_SECONDS: '1' },
  };
  const server = await startServer({ ...opts, label: 'sigterm-timeout' });
  const recipe = await makeRecipe(server, 'sigterm-timeout');
  const group = await makeJobGroup(server, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  const connection = await makeConnection(server, postgresConnection('pg-sigterm-timeout'));
  const job = await publish(server, group.id, {
    connection: { id: connection },
    path: [db.schema],
    table: 'events',
    action: 'load',
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });
  await waitForJob(server, job.id, (j) => j.status === 'InProgress' && j.rowsWritten > 0, 120_000);

  const signaled = Date.now();
  expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  // One second of grace, then the job is canceled and handed back (and the process does not hang).
  expect(Date.now() - signaled).toBeLessThan(15_000);
  const logs = server.logs();
  expect(logs.some((l) => l.msg?.startsWith('shutdown timeout') && l.jobId === job.id)).toBe(true);
  expect(logs.some((l) => l.msg === 'publish job ended' && l.jobId === job.id)).toBe(false);
  // The canceled attempt rolled back: only the row from before.
  expect((await db.client.query(`SELECT count(*)::int AS n FROM ${events}`)).rows[0].n).toBe(1);

  const next = await startServer({ ...opts, label: 'after-timeout' });
  const done = await waitForEnd(next, job.id, 240_000);
  expect(done.status, String(done.errorMessage)).toBe('Complete');
  expect(done.attempts).toBe(2);
  expect(done.rowsWritten).toBe(ROWS);
  expect((await db.client.query(PG_CHECKSUM_SQL(events))).rows[0]).toEqual({
    ...want,
    rows: String(ROWS + 1),
    distinctIds: String(ROWS + 1),
    sumId: String(BigInt(want.sumId) - 1n),
  });
  expect(await db.tables()).toEqual(['events']);
}, 300_000);
