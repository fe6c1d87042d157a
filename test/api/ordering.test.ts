import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import { call, duckdbConnection, jobGroup, PQT, pollJob } from './helpers.js';

/** issue 4: publishes to one table run one after another, oldest first, even with free workers. */
describe('publishes to the same table', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await testService({ JOBPUB_CONCURRENCY: '4' });
  });
  afterAll(() => svc.close());

  it('run in the order they were enqueued, never at once; other tables run beside them', async () => {
    const g = await jobGroup(svc, svc.adminAuth, [PQT]);
    const conn = await duckdbConnection(svc, svc.adminAuth, {}, 'order.duckdb');
    const other = await duckdbConnection(svc, svc.adminAuth, {}, 'other.duckdb');
    const publish = async (connection: number, table: string, action: string) => {
      const r = await call(svc, svc.adminAuth, 'PUT', `/v4/jobGroups/${g.id}/publish`, {
        connection: { id: connection },
        path: ['main'],
        table,
        action,
        inputFormat: 'pqt',
        flowNodeId: g.recipeId,
      });
      expect(r.statusCode, r.body).toBe(200);
      const jobs = (await call(svc, svc.adminAuth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().data;
      return jobs.find((j: { sessionId: string }) => j.sessionId === r.json().sessionId).id as number;
    };
    // Different actions, so the duplicate-request rule does not merge them; all name table "orders".
    const ids = [
      await publish(conn, 'orders', 'dropAndLoad'),
      await publish(conn, 'ORDERS', 'load'),
      await publish(conn, 'orders', 'truncateAndLoad'),
      await publish(conn, 'orders', 'load'),
    ];
    const elsewhere = await publish(other, 'orders', 'dropAndLoad');
    svc.startWorkers();
    const done = [];
    for (const id of ids) done.push(await pollJob(svc, svc.adminAuth, id));
    expect(done.map((j) => j.status)).toEqual(['Complete', 'Complete', 'Complete', 'Complete']);
    for (let i = 1; i < done.length; i++) {
      // Each starts only after the one before it finished (ISO timestamps compare as text).
      expect(String(done[i]!.startedAt) >= String(done[i - 1]!.finishedAt), JSON.stringify(done)).toBe(true);
    }
    // dropAndLoad 40, load +40, truncateAndLoad back to 40, load +40: 80 rows, in that order only.
    expect(done.map((j) => j.rowsWritten)).toEqual([40, 40, 40, 40]);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(path.join(svc.dataDir, 'order.duckdb'));
    const c = await inst.connect();
    const n = Number((await c.runAndReadAll('SELECT COUNT(*) FROM main.orders')).getRows()[0]?.[0]);
    c.closeSync();
    inst.closeSync();
    expect(n).toBe(80);
    expect((await pollJob(svc, svc.adminAuth, elsewhere)).status).toBe('Complete');
  });
});
