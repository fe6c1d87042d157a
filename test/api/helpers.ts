import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ADMIN_PASSWORD, FIXTURES_ROOT, type TestService } from '../support/service.js';

/** Helpers shared by the inject() tests of the REST API (api.md). */

export type Res = LightMyRequestResponse;

export const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

/** The password `testService().person()` gives a person (to log in with Basic and to look for in logs). */
export const personPassword = (email: string) => `pw-${email}-secret`;

/** The token value inside a `Bearer …` header. */
export const tokenOf = (auth: string) => auth.replace(/^Bearer /, '');

/** A Bearer header for the admin: Basic hashes the password on every call, a token is quicker. */
export async function adminBearer(svc: TestService): Promise<string> {
  const r = await call(svc, svc.adminAuth, 'POST', '/v4/apiAccessTokens', { lifetimeSeconds: 3600 });
  expect(r.statusCode, r.body).toBe(201);
  return `Bearer ${r.json().tokenValue}`;
}

/** One request as `auth`; `body` is sent as JSON. */
export function call(
  svc: TestService,
  auth: string | undefined,
  method: InjectOptions['method'],
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  return svc.app.inject({
    method,
    url,
    headers: { ...(auth ? { authorization: auth } : {}), ...headers },
    ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
  });
}

/** The response is exactly the spec's exception JSON with this status and name; answers its details. */
export function expectException(res: Res, status: number, name: string, details?: RegExp | string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body)).toEqual(['exception']);
  expect(Object.keys(body.exception).sort()).toEqual(['details', 'message', 'name']);
  expect(body.exception.name).toBe(name);
  expect(typeof body.exception.message).toBe('string');
  expect(body.exception.message.length).toBeGreaterThan(0);
  expect(typeof body.exception.details).toBe('string');
  if (details !== undefined) {
    if (typeof details === 'string') expect(body.exception.details).toContain(details);
    else expect(body.exception.details).toMatch(details);
  }
  return body.exception.details as string;
}

/** A `file://` URI of a fixture (relative to test/fixtures). */
export const fixture = (rel: string) => pathToFileURL(path.join(FIXTURES_ROOT, rel)).href;

/** A folder URI keeps its trailing slash, as a Spark job would give it. */
export const fixtureDir = (rel: string) => `${fixture(rel)}/`;

/** A flow and a recipe of `auth`; answers the recipe id (the flowNodeId of a publish). */
export async function recipe(svc: TestService, auth: string, name = 'orders'): Promise<number> {
  const flow = await call(svc, auth, 'POST', '/v4/flows', { name: `flow of ${name}` });
  expect(flow.statusCode, flow.body).toBe(201);
  const r = await call(svc, auth, 'POST', '/v4/wrangledDatasets', { name, flow: { id: flow.json().id } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

export const PQT = { format: 'pqt', uri: fixture('pqt/codec_snappy.parquet') };
export const PQT_ROWS = 40;
export const CSV = { format: 'csv', uri: fixture('csv/strings.csv') };
export const CSV_ROWS = 9;

/** A Complete job group of `auth` over the given results (default: one Parquet file of 40 rows). */
export async function jobGroup(
  svc: TestService,
  auth: string,
  results: unknown[] = [PQT],
): Promise<{ id: number; recipeId: number; body: Record<string, unknown> }> {
  const recipeId = await recipe(svc, auth);
  const g = await call(svc, auth, 'POST', '/v4/jobGroups', { wrangledDataset: { id: recipeId }, results });
  expect(g.statusCode, g.body).toBe(201);
  return { id: g.json().id, recipeId, body: g.json() };
}

/** A DuckDB connection of `auth` on a file under the data directory. */
export async function duckdbConnection(
  svc: TestService,
  auth: string,
  extra: Record<string, unknown> = {},
  file = 'warehouse.duckdb',
): Promise<number> {
  const c = await call(svc, auth, 'POST', '/v4/connections', {
    name: `duck ${file}`,
    vendor: 'duckdb',
    type: 'embedded',
    params: { path: file },
    credentialType: 'none',
    ...extra,
  });
  expect(c.statusCode, c.body).toBe(201);
  return c.json().id;
}

export const PG_PASSWORD = 'pg-Secr3t-never-shown';
export const MYSQL_PASSWORD = 'my-Secr3t-never-shown';

export const postgresBody = (over: Record<string, unknown> = {}) => ({
  name: 'pg',
  vendor: 'postgres',
  type: 'jdbc',
  host: '127.0.0.1',
  port: 5432,
  ssl: false,
  params: { database: 'test' },
  credentialType: 'basic',
  credentials: [{ username: 'postgres', password: PG_PASSWORD }],
  isGlobal: false,
  description: '',
  ...over,
});

export const mysqlBody = (over: Record<string, unknown> = {}) => ({
  name: 'maria',
  vendor: 'mysql',
  type: 'jdbc',
  host: '127.0.0.1',
  port: 3306,
  params: { database: 'test' },
  credentialType: 'basic',
  // MariaDB's root has an empty password here; a non-empty one would be refused by the server.
  credentials: [{ username: 'root', password: '' }],
  ...over,
});

/** A publish body with every field right for `g`; override one to break it. */
export const publishBody = (
  g: { recipeId: number },
  connectionId: number,
  over: Record<string, unknown> = {},
) => ({
  connection: { id: connectionId },
  path: ['main'],
  table: 'orders',
  action: 'createAndLoad',
  inputFormat: 'pqt',
  flowNodeId: g.recipeId,
  ...over,
});

/** Polls a job until `done` holds (or fails after `ms`). */
export async function pollJob(
  svc: TestService,
  auth: string,
  id: number,
  done: (job: Record<string, unknown>) => boolean = (j) =>
    ['Complete', 'Failed', 'Canceled'].includes(String(j.status)),
  ms = 30_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + ms;
  for (;;) {
    const r = await call(svc, auth, 'GET', `/v4/jobs/${id}`);
    expect(r.statusCode, r.body).toBe(200);
    const job = r.json();
    if (done(job)) return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status}: ${r.body}`);
    await sleep(50);
  }
}

/** The id of the newest publish job of a job group. */
export async function newestJobId(svc: TestService, auth: string, groupId: number): Promise<number> {
  const r = await call(svc, auth, 'GET', `/v4/jobGroups/${groupId}/publications`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().data[0].id;
}

/** No captured log line holds any of `secrets` (the admin password is always looked for). */
export function expectNoSecretsInLogs(svc: TestService, secrets: readonly string[]): void {
  const text = svc.logs.join('');
  expect(text.length).toBeGreaterThan(0);
  for (const s of new Set([ADMIN_PASSWORD, ...secrets])) {
    expect(s.length).toBeGreaterThan(5);
    expect(text.includes(s), `a log line holds the secret ${s.slice(0, 3)}…`).toBe(false);
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
