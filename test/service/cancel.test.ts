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
import { BIG_ROWS, bigParquet } from './support/big.js';
import { NARROW_COLUMNS, pgSchema } from './support/pg.js';
import { FIXTURES, keepOnFailure, startServer, useServers } from './support/server.js';

/**
 * `POST /v4/jobs/:id/cancel` over HTTP: a running truncateAndLoad stops and ends Canceled with the
 * table exactly as before; a queued publish (waiting behind it for the same table) is Canceled at once
 * and never runs; an ended job cannot be canceled.
 */
useServers();

const ROWS = BIG_ROWS;
const dropOnPass = keepOnFailure();

it('cancel stops a running publish and leaves the table exactly as before', async () => {
  const big = bigParquet(ROWS);
  const db = await pgSchema('svc_cancel');
  dropOnPass(db.drop);
  const events = `"${db.schema}"."events"`;
  await db.client.query(`CREATE TABLE ${events} (${NARROW_COLUMNS})`);
  await db.client.query(
    `INSERT INTO ${events} VALUES (1, 10, 1.5, 12.3456, 'one', true, '2026-01-02', '2026-01-02T03:04:05Z'),
       (2, 20, NULL, NULL, 'two', false, NULL, NULL), (3, NULL, -0.25, -1, NULL, NULL, '1999-12-31', NULL)`,
  );
  const snapshot = async () =>
    (await db.client.query(`SELECT (x.*)::text AS r FROM ${events} x ORDER BY 1`)).rows.map((r) => r.r);
  const before = await snapshot();
  expect(before).toHaveLength(3);

  const server = await startServer({
    label: 'cancel',
    storageRoots: [FIXTURES, path.dirname(big)],
    env: { JOBPUB_LEASE_SECONDS: '3' },
  });
  const recipe = await makeRecipe(server, 'cancel');
  const group = await makeJobGroup(server, recipe, [{ format: 'pqt', uri: pathToFileURL(big).href }]);
  const connection = await makeConnection(server, postgresConnection('pg-cancel'));
  const body = (action: string) => ({
    connection: { id: connection },
    path: [db.schema],
    table: 'events',
    action,
    inputFormat: 'pqt',
    flowNodeId: recipe,
  });

  const running = await publish(server, group.id, body('truncateAndLoad'));
  await waitForJob(server, running.id, (j) => j.status === 'InProgress' && j.rowsWritten > 0, 120_000);
  // Same table: it waits behind the running one.
  const queued = await publish(server, group.id, body('load'));
  expect(queued.status).toBe('Pending');

  const q = await server.api('POST', `/v4/jobs/${queued.id}/cancel`);
  expect(q.status).toBe(200);
  expect(q.body.status).toBe('Canceled');

  const r = await server.api('POST', `/v4/jobs/${running.id}/cancel`);
  expect(r.status).toBe(200);
  expect(['InProgress', 'Canceled']).toContain(r.body.status);

  const ended = await waitForEnd(server, running.id, 120_000);
  expect(ended.status, String(ended.errorMessage)).toBe('Canceled');
  expect(ended.attempts).toBe(1);
  expect(ended.rowsWritten).toBeLessThan(ROWS);
  expect(await snapshot()).toEqual(before);
  expect(await db.tables()).toEqual(['events']);

  const stillQueued = await getJob(server, queued.id);
  expect(stillQueued.status).toBe('Canceled');
  expect(stillQueued.attempts).toBe(0);
  expect(
    server
      .logs()
      .filter((l) => l.msg === 'publish job started')
      .map((l) => l.jobId),
  ).toEqual([running.id]);

  const again = await server.api('POST', `/v4/jobs/${running.id}/cancel`);
  expect(again.status).toBe(400);
  expect(again.body.exception.name).toBe('ValidationFailed');
}, 240_000);
