import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from './server.js';

/** Client steps written from the spec (api.md) only: what a user of the REST API does. */

export interface Job {
  readonly id: number;
  readonly status: 'Pending' | 'InProgress' | 'Complete' | 'Failed' | 'Canceled';
  readonly sessionId: string;
  readonly table: string;
  readonly finalTable: string | null;
  readonly action: string;
  readonly rowsTotal: number;
  readonly rowsWritten: number;
  readonly percentComplete: number;
  readonly phase: string | null;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly warnings: string[];
  readonly steps: { name: string; status: string }[];
}

export const ENDED = new Set(['Complete', 'Failed', 'Canceled']);

async function created(s: Server, route: string, body: unknown): Promise<number> {
  const r = await s.api('POST', route, body);
  if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as number;
}

/** A flow and its recipe; answers the recipe id (the `flowNodeId` of a publish). */
export async function makeRecipe(s: Server, name: string): Promise<number> {
  const flow = await created(s, '/v4/flows', { name });
  return created(s, '/v4/wrangledDatasets', { name, flow: { id: flow } });
}

export interface ResultInput {
  readonly format: 'pqt' | 'avro' | 'csv' | 'json';
  readonly uri: string;
  readonly header?: boolean;
  readonly delimiter?: string;
}

/** Registers results as a Complete job group; answers the response body. */
export async function makeJobGroup(
  s: Server,
  recipeId: number,
  results: readonly ResultInput[],
): Promise<{ id: number; status: string; results: { format: string; rowCount: number }[] }> {
  const r = await s.api('POST', '/v4/jobGroups', { wrangledDataset: { id: recipeId }, results });
  if (r.status !== 201) throw new Error(`POST /v4/jobGroups: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The local server trusts every connection; a password is sent anyway, as a real client would. */
export const PG_PASSWORD = 'pg-password-never-logged';

export const postgresConnection = (name: string, database = 'test') => ({
  name,
  vendor: 'postgres',
  type: 'jdbc',
  host: '127.0.0.1',
  port: 5432,
  ssl: false,
  params: { database },
  credentialType: 'basic',
  credentials: [{ username: 'postgres', password: PG_PASSWORD }],
});

export const mysqlConnection = (name: string) => ({
  name,
  vendor: 'mysql',
  type: 'jdbc',
  host: '127.0.0.1',
  port: 3306,
  ssl: false,
  params: { database: 'test' },
  credentialType: 'basic',
  credentials: [{ username: 'root', password: '' }],
});

export const duckdbConnection = (name: string, file: string) => ({
  name,
  vendor: 'duckdb',
  type: 'embedded',
  params: { path: file },
  credentialType: 'none',
});

export async function makeConnection(s: Server, body: object): Promise<number> {
  return created(s, '/v4/connections', body);
}

export interface PublishBody {
  readonly connection: { id: number };
  readonly path: string[];
  readonly table: string;
  readonly action: string;
  readonly inputFormat: string;
  readonly flowNodeId: number;
}

/**
 * `PUT /v4/jobGroups/:id/publish`, then finds the job in `GET /v4/jobGroups/:id/jobs` by its sessionId.
 */
export async function publish(s: Server, jobGroupId: number, body: PublishBody): Promise<Job> {
  const r = await s.api('PUT', `/v4/jobGroups/${jobGroupId}/publish`, body);
  if (r.status !== 200) throw new Error(`publish: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.body.jobgroupId !== jobGroupId || r.body.reason !== 'JobStarted') {
    throw new Error(`publish answered ${JSON.stringify(r.body)}`);
  }
  const jobs = await s.api('GET', `/v4/jobGroups/${jobGroupId}/jobs`);
  const job = (jobs.body.data as Job[]).find((j) => j.sessionId === r.body.sessionId);
  if (!job) throw new Error(`no job with sessionId ${r.body.sessionId} in ${JSON.stringify(jobs.body)}`);
  return job;
}

export async function getJob(s: Server, id: number): Promise<Job> {
  const r = await s.api('GET', `/v4/jobs/${id}`);
  if (r.status !== 200) throw new Error(`GET /v4/jobs/${id}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Polls `GET /v4/jobs/:id` until `until` holds; fails with the last state after `timeoutMs`. */
export async function waitForJob(
  s: Server,
  id: number,
  until: (j: Job) => boolean,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await getJob(s, id);
    if (until(j)) return j;
    if (ENDED.has(j.status)) throw new Error(`job ${id} ended before the wanted state: ${JSON.stringify(j)}`);
    if (Date.now() > deadline) throw new Error(`job ${id} timed out: ${JSON.stringify(j)}`);
    await sleep(everyMs);
  }
}

/** Polls until the job has ended (Complete, Failed or Canceled). */
export async function waitForEnd(s: Server, id: number, timeoutMs = 60_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await getJob(s, id);
    if (ENDED.has(j.status)) return j;
    if (Date.now() > deadline)
      throw new Error(`job ${id} did not end within ${timeoutMs} ms: ${JSON.stringify(j)}`);
    await sleep(50);
  }
}

/** Publishes and waits for the end. */
export async function publishAndWait(s: Server, jobGroupId: number, body: PublishBody): Promise<Job> {
  const job = await publish(s, jobGroupId, body);
  return waitForEnd(s, job.id);
}
