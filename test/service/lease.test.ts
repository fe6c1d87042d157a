import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import {
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
import { FIXTURES, keepOnFailure, startServer, useServers } from './support/server.js';

/**
 * A process paused (SIGSTOP) for longer than its lease while it runs a publish. When it resumes, its
 * own lease has run out, but it is still running the job: it must not claim the job a second time (it
 * did: two runs of one job in one process, under one owner, so neither saw it had lost the job, and a
 * `load` could land twice). It keeps the job: one attempt, rows exactly once.
 */
useServers();

const ROWS = BIG_ROWS;
const dropOnPass = keepOnFailure();

it('a process paused past its lease does not claim its own running job again', async () => {
  const big = bigParquet(ROWS);
  const want = await parquetChecksum(big);
  const db = await pgSchema('svc_lease');
  dropOnPass(db.drop);
  const events = `"${db.schema}"."events"`;
  await db.client.query(`CREATE TABLE ${events} (${NARROW_COLUMNS})`);

  const server = await startServer({
    label: 'paused',
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '2', JOBPUB_CONCURRENCY: '2' },
  });
  const recipe = await makeRecipe(server, 'lease');
  const group = await makeJobGroup(server, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  const connection = await makeConnection(server, postgresConnection('pg-lease'));
  const job = await publish(server, group.id, {
    connection: { id: connection },
    path: [db.schema],
    table: 'events',
    action: 'load',
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });
  await waitForJob(server, job.id, (j) => j.status === 'InProgress' && j.rowsWritten > 0, 120_000);

  process.kill(server.pid, 'SIGSTOP');
  try {
    await sleep(3_500); // past the 2 s lease
  } finally {
    process.kill(server.pid, 'SIGCONT');
  }

  const done = await waitForEnd(server, job.id, 240_000);
  expect(done.status, String(done.errorMessage)).toBe('Complete');
  expect(done.attempts).toBe(1);
  const started = server.logs().filter((l) => l.msg === 'publish job started');
  expect(started.map((l) => l.jobId)).toEqual([job.id]);
  expect((await db.client.query(PG_CHECKSUM_SQL(events))).rows[0]).toEqual(want);
}, 240_000);
