import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import { ensureServer, freshDatabase, type HiveBox, PORT } from '../targets/hive/harness.js';
import { call, expectException, jobGroup, newestJobId, PQT, PQT_ROWS, pollJob } from './helpers.js';

/** The `hive` connection vendor over the API, against the real Spark Thrift Server (scripts/hive-server.sh). */
describe('hive connections', () => {
  let svc: TestService;
  let box: HiveBox;
  const body = (staging: string, over: Record<string, unknown> = {}) => ({
    name: 'spark',
    vendor: 'hive',
    type: 'jdbc',
    host: '127.0.0.1',
    port: PORT,
    params: { database: box.db, transport: 'binary', auth: 'NONE', stagingUri: staging },
    credentialType: 'none',
    ...over,
  });

  beforeAll(async () => {
    await ensureServer();
    box = await freshDatabase('api');
    svc = await testService();
  }, 300_000);
  afterAll(async () => {
    await svc?.close();
    await box?.drop();
  });

  it('refuses a file:// staging folder outside the data directory', async () => {
    const r = await call(svc, svc.adminAuth, 'POST', '/v4/connections', body('file:///tmp/elsewhere'));
    expectException(r, 400, 'ValidationFailed', /stagingUri must be under the data directory/);
  });

  it('checks the connection, then publishes a job group into a Hive table read back through HiveServer2', async () => {
    const staging = pathToFileURL(path.join(svc.dataDir, 'hive-staging')).href;
    const c = await call(svc, svc.adminAuth, 'POST', '/v4/connections', body(staging));
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json()).toMatchObject({ vendor: 'hive', port: PORT, hasCredentials: false });
    const status = await call(svc, svc.adminAuth, 'GET', `/v4/connections/${c.json().id}/status`);
    expect(status.statusCode, status.body).toBe(200);
    expect(status.json()).toEqual({ result: 'SUCCESS' });

    svc.startWorkers();
    const g = await jobGroup(svc, svc.adminAuth, [PQT]);
    const pub = await call(svc, svc.adminAuth, 'PUT', `/v4/jobGroups/${g.id}/publish`, {
      connection: { id: c.json().id },
      path: [box.db],
      table: 'orders',
      action: 'dropAndLoad',
      inputFormat: 'pqt',
      flowNodeId: g.recipeId,
    });
    expect(pub.statusCode, pub.body).toBe(200);
    const job = await pollJob(
      svc,
      svc.adminAuth,
      await newestJobId(svc, svc.adminAuth, g.id),
      undefined,
      120_000,
    );
    expect(job.status, JSON.stringify(job)).toBe('Complete');
    expect(job.rowsWritten).toBe(PQT_ROWS);
    expect(await box.tables()).toEqual(['orders']);
    const n = await box.session.query(`SELECT COUNT(*), SUM(i) FROM \`${box.db}\`.orders`);
    expect(Number(n.rows[0]![0])).toBe(PQT_ROWS);
  }, 180_000);
});
