import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workers } from '../../src/jobs/worker.js';
import { type TestService, testService } from '../support/service.js';
import {
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  ISO,
  jobGroup,
  newestJobId,
  PQT_ROWS,
  personPassword,
  pollJob,
  publishBody,
  tokenOf,
  UUID,
} from './helpers.js';

/** Rows of a DuckDB table in a file under the data directory (opened only for the moment of the query). */
async function duckCount(file: string, table: string): Promise<number> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  try {
    const r = await c.runAndReadAll(`SELECT COUNT(*) FROM main."${table.replaceAll('"', '""')}"`);
    return Number(r.getRows()[0]?.[0]);
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

async function duckTables(file: string): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  try {
    const r = await c.runAndReadAll('SELECT table_name FROM information_schema.tables ORDER BY 1');
    return r.getRows().map((x) => String(x[0]));
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** api.md, Publish jobs: the job's fields, running to Complete, cancel. */
describe('publish jobs', () => {
  let svc: TestService;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let g: { id: number; recipeId: number };
  let workers: Workers | undefined;
  let completeJobId = 0;
  beforeAll(async () => {
    svc = await testService();
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
    g = await jobGroup(svc, alice.auth);
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [
      personPassword('alice@jobpub.test'),
      personPassword('bob@jobpub.test'),
      tokenOf(alice.auth),
      tokenOf(bob.auth),
    ]);
    await svc.close();
  });

  const publish = async (connection: number, over: Record<string, unknown>) => {
    const r = await call(
      svc,
      alice.auth,
      'PUT',
      `/v4/jobGroups/${g.id}/publish`,
      publishBody(g, connection, over),
    );
    expect(r.statusCode, r.body).toBe(200);
    return { sessionId: r.json().sessionId as string, jobId: await newestJobId(svc, alice.auth, g.id) };
  };

  it('GET /v4/jobs/:id has every field of the spec (a Pending job)', async () => {
    const conn = await duckdbConnection(svc, alice.auth, {}, 'fields.duckdb');
    const { sessionId, jobId } = await publish(conn, { table: 'fields', path: ['main'] });
    const r = await call(svc, alice.auth, 'GET', `/v4/jobs/${jobId}`);
    expect(r.statusCode).toBe(200);
    const job = r.json();
    expect(Object.keys(job).sort()).toEqual(
      [
        'id',
        'jobType',
        'status',
        'sessionId',
        'jobGroup',
        'connection',
        'path',
        'table',
        'finalTable',
        'action',
        'inputFormat',
        'percentComplete',
        'rowsTotal',
        'rowsWritten',
        'bytesRead',
        'phase',
        'steps',
        'warnings',
        'errorMessage',
        'attempts',
        'createdAt',
        'startedAt',
        'finishedAt',
        'lastHeartbeatAt',
      ].sort(),
    );
    expect(job).toEqual({
      id: jobId,
      jobType: 'publish',
      status: 'Pending',
      sessionId,
      jobGroup: { id: g.id },
      connection: { id: conn },
      path: ['main'],
      table: 'fields',
      finalTable: null,
      action: 'createAndLoad',
      inputFormat: 'pqt',
      percentComplete: 0,
      rowsTotal: PQT_ROWS,
      rowsWritten: 0,
      bytesRead: 0,
      phase: null,
      steps: [],
      warnings: [],
      errorMessage: null,
      attempts: 0,
      createdAt: expect.stringMatching(ISO),
      startedAt: null,
      finishedAt: null,
      lastHeartbeatAt: null,
    });
    expect(job.sessionId).toMatch(UUID);
    // The same job in the job group's list.
    const inList = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().data;
    expect(inList.find((j: { id: number }) => j.id === jobId)).toEqual(job);
    // Cancel it so that it does not run when the workers start.
    expect((await call(svc, alice.auth, 'POST', `/v4/jobs/${jobId}/cancel`)).statusCode).toBe(200);
  });

  it('a missing job, and another user’s job, are 404', async () => {
    expectException(
      await call(svc, alice.auth, 'GET', '/v4/jobs/99999'),
      404,
      'DataNotFoundException',
      'job 99999',
    );
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/jobs/99999/cancel'),
      404,
      'DataNotFoundException',
    );
    const id = await newestJobId(svc, alice.auth, g.id);
    expectException(await call(svc, bob.auth, 'GET', `/v4/jobs/${id}`), 404, 'DataNotFoundException');
    expectException(await call(svc, bob.auth, 'POST', `/v4/jobs/${id}/cancel`), 404, 'DataNotFoundException');
    expect((await call(svc, svc.adminAuth, 'GET', `/v4/jobs/${id}`)).statusCode).toBe(200);
  });

  it('cancel of a Pending job: Canceled at once, and it never touches the target', async () => {
    const conn = await duckdbConnection(svc, alice.auth, {}, 'canceled.duckdb');
    const { jobId } = await publish(conn, { table: 'never', action: 'dropAndLoad' });
    const r = await call(svc, alice.auth, 'POST', `/v4/jobs/${jobId}/cancel`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ id: jobId, status: 'Canceled', finishedAt: expect.stringMatching(ISO) });
    expect((await call(svc, alice.auth, 'GET', `/v4/jobs/${jobId}`)).json().status).toBe('Canceled');

    // Now run the workers and a publish after it: the canceled one stays Canceled and wrote nothing.
    workers = svc.startWorkers();
    const after = await publish(conn, { table: 'after', action: 'truncateAndLoad' });
    const done = await pollJob(svc, alice.auth, after.jobId);
    expect(done.status, JSON.stringify(done)).toBe('Complete');
    expect((await call(svc, alice.auth, 'GET', `/v4/jobs/${jobId}`)).json()).toMatchObject({
      status: 'Canceled',
      startedAt: null,
      attempts: 0,
    });
    const file = path.join(svc.dataDir, 'canceled.duckdb');
    expect(await duckTables(file)).toEqual(['after']);
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/status`)).body).toBe('"Complete"');
  });

  it('runs a createAndLoad to Complete: phase, 100 %, rowsWritten, steps, finalTable with its suffix', async () => {
    expect(workers).toBeDefined();
    const conn = await duckdbConnection(svc, alice.auth, {}, 'run.duckdb');
    const started = Date.now();
    const { sessionId, jobId } = await publish(conn, { table: 'orders', action: 'createAndLoad' });
    const job = await pollJob(svc, alice.auth, jobId);
    expect(job.status, JSON.stringify(job)).toBe('Complete');
    expect(job).toMatchObject({
      sessionId,
      percentComplete: 100,
      rowsTotal: PQT_ROWS,
      rowsWritten: PQT_ROWS,
      errorMessage: null,
      attempts: 1,
    });
    expect(typeof job.phase).toBe('string');
    expect(job.phase).not.toBe('');
    completeJobId = jobId;
    const finalTable = String(job.finalTable);
    expect(finalTable).toMatch(/^orders_\d{14}$/);
    const stamp = finalTable.slice(-14);
    const t = Date.UTC(
      +stamp.slice(0, 4),
      +stamp.slice(4, 6) - 1,
      +stamp.slice(6, 8),
      +stamp.slice(8, 10),
      +stamp.slice(10, 12),
      +stamp.slice(12, 14),
    );
    expect(t).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000 - 1000);
    expect(t).toBeLessThanOrEqual(Date.now());
    const steps = job.steps as { name: string; status: string; ms: number }[];
    expect(steps.length).toBeGreaterThan(1);
    for (const s of steps) {
      expect(typeof s.name).toBe('string');
      expect(s.status).toBe('Complete');
      expect(s.ms).toBeGreaterThanOrEqual(0);
    }
    for (const k of ['startedAt', 'finishedAt', 'lastHeartbeatAt']) expect(job[k]).toMatch(ISO);
    expect(Date.parse(String(job.finishedAt))).toBeGreaterThanOrEqual(Date.parse(String(job.startedAt)));
    expect(await duckCount(path.join(svc.dataDir, 'run.duckdb'), finalTable)).toBe(PQT_ROWS);

    // truncateAndLoad keeps the name as asked.
    const again = await publish(conn, { table: 'orders', action: 'truncateAndLoad' });
    const second = await pollJob(svc, alice.auth, again.jobId);
    expect(second).toMatchObject({ status: 'Complete', finalTable: 'orders', rowsWritten: PQT_ROWS });
    expect(await duckCount(path.join(svc.dataDir, 'run.duckdb'), 'orders')).toBe(PQT_ROWS);
  });

  it('a Complete job reports the bytes it read', async () => {
    expect(completeJobId).toBeGreaterThan(0);
    const job = (await call(svc, alice.auth, 'GET', `/v4/jobs/${completeJobId}`)).json();
    expect(job.status).toBe('Complete');
    expect(job.bytesRead).toBeGreaterThan(0);
  });

  it('a load into a missing table ends Failed with the reason; nothing is created', async () => {
    const conn = await duckdbConnection(svc, alice.auth, {}, 'failed.duckdb');
    const { jobId } = await publish(conn, { table: 'absent', action: 'load' });
    const job = await pollJob(svc, alice.auth, jobId);
    expect(job.status).toBe('Failed');
    expect(String(job.errorMessage)).toContain('absent');
    const file = path.join(svc.dataDir, 'failed.duckdb');
    if (existsSync(file)) expect(await duckTables(file)).toEqual([]);
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/status`)).body).toBe('"Complete"');
  });

  it('cancel of a job that has ended is a 400', async () => {
    const jobs = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().data as {
      id: number;
      status: string;
    }[];
    for (const status of ['Complete', 'Canceled', 'Failed']) {
      const j = jobs.find((x) => x.status === status);
      expect(j, status).toBeDefined();
      expectException(
        await call(svc, alice.auth, 'POST', `/v4/jobs/${j!.id}/cancel`),
        400,
        'ValidationFailed',
        `is ${status}`,
      );
      expect((await call(svc, alice.auth, 'GET', `/v4/jobs/${j!.id}`)).json().status).toBe(status);
    }
  });
});
