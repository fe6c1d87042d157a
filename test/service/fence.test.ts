import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import {
  getJob,
  makeConnection,
  makeJobGroup,
  makeRecipe,
  postgresConnection,
  publish,
  waitForJob,
} from './support/api.js';
import { BIG_ROWS, bigParquet } from './support/big.js';
import { NARROW_COLUMNS, pgSchema } from './support/pg.js';
import { FIXTURES, keepOnFailure, startServer, useServers } from './support/server.js';

/**
 * The fence before the commit point (src/jobs/worker.ts): a worker that lost its job while loading —
 * here another owner takes it over in the metadata, as an instance that found the lease expired would —
 * must not commit, even when no heartbeat came in between (a one-hour lease heartbeats every 20
 * minutes). Without the fence the rows landed and the real owner would publish them a second time.
 */
useServers();

const dropOnPass = keepOnFailure();

it('a worker that lost its job before the commit rolls back and records nothing', async () => {
  const big = bigParquet(BIG_ROWS);
  const db = await pgSchema('svc_fence');
  dropOnPass(db.drop);
  const events = `"${db.schema}"."events"`;
  await db.client.query(`CREATE TABLE ${events} (${NARROW_COLUMNS})`);
  await db.client.query(`INSERT INTO ${events} (id, qty, amount) VALUES (-1, 0, 0)`);

  const server = await startServer({
    label: 'fence',
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '3600' },
  });
  const recipe = await makeRecipe(server, 'fence');
  const group = await makeJobGroup(server, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  const connection = await makeConnection(server, postgresConnection('pg-fence'));
  const job = await publish(server, group.id, {
    connection: { id: connection },
    path: [db.schema],
    table: 'events',
    action: 'load',
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });
  await waitForJob(server, job.id, (j) => j.status === 'InProgress', 60_000);

  // Another owner takes the job over (the SQLite metadata is shared by file, WAL mode).
  const meta = new Database(path.join(server.dataDir, 'jobpub.sqlite'));
  try {
    meta.pragma('busy_timeout = 5000');
    const took = meta
      .prepare("UPDATE jobs SET owner = 'another-instance' WHERE id = ? AND status = 'InProgress'")
      .run(job.id);
    expect(took.changes).toBe(1);
  } finally {
    meta.close();
  }

  const deadline = Date.now() + 120_000;
  const lost = () => server.logs().find((l) => l.jobId === job.id && l.msg?.startsWith('lease lost'));
  const ended = () => server.logs().find((l) => l.jobId === job.id && l.msg === 'publish job ended');
  while (!lost() && !ended() && Date.now() < deadline) await sleep(100);
  expect(ended()).toBeUndefined();
  expect(lost()).toBeDefined();
  // Rolled back: only the row from before. The job stays with its new owner, untouched.
  expect((await db.client.query(`SELECT count(*)::int AS n FROM ${events}`)).rows[0].n).toBe(1);
  const now = await getJob(server, job.id);
  expect(now.status).toBe('InProgress');
  expect(now.attempts).toBe(1);
}, 180_000);
