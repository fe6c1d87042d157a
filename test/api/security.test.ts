import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestService, testService } from '../support/service.js';
import { postgres, type Sandbox } from '../support/targets.js';
import {
  basic,
  CSV,
  CSV_ROWS,
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  jobGroup,
  MYSQL_PASSWORD,
  mysqlBody,
  newestJobId,
  PG_PASSWORD,
  PQT,
  personPassword,
  pollJob,
  postgresBody,
  publishBody,
  type Res,
  tokenOf,
} from './helpers.js';

/**
 * api.md: a user cannot see or use another user's job group or connection, and no response or log line
 * holds a password or a token.
 */
describe('security', () => {
  let svc: TestService;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let sandbox: Sandbox;
  const bodies: string[] = [];
  const secrets: string[] = [PG_PASSWORD, MYSQL_PASSWORD, ADMIN_PASSWORD];
  const adminToken = 'security-admin-token-0123456789';
  secrets.push(adminToken);

  /** Every response of this file goes through here, so its body can be searched for secrets at the end. */
  const req = async (
    auth: string | undefined,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
  ): Promise<Res> => {
    const r = await call(svc, auth, method, url, body);
    bodies.push(r.body, JSON.stringify(r.headers));
    return r;
  };

  beforeAll(async () => {
    svc = await testService({ JOBPUB_ADMIN_TOKEN: adminToken });
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
    for (const e of ['alice', 'bob']) secrets.push(personPassword(`${e}@jobpub.test`));
    secrets.push(tokenOf(alice.auth), tokenOf(bob.auth));
    sandbox = await postgres.fresh('apisec');
  });
  afterAll(async () => {
    try {
      const all = bodies.join('\n');
      expect(all.length).toBeGreaterThan(0);
      for (const s of secrets) expect(all.includes(s), `a response holds ${s.slice(0, 3)}…`).toBe(false);
      expectNoSecretsInLogs(svc, secrets);
    } finally {
      await svc.close();
      await sandbox.drop();
    }
  });

  it('B cannot see or use A’s job group: 404 everywhere, absent from lists', async () => {
    const g = await jobGroup(svc, alice.auth, [PQT]);
    const bobConn = await duckdbConnection(svc, bob.auth, {}, 'bob.duckdb');
    for (const [m, url, body] of [
      ['GET', `/v4/jobGroups/${g.id}`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/status`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/outputs`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/jobs`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/publications`, undefined],
      ['DELETE', `/v4/jobGroups/${g.id}`, undefined],
      ['PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, bobConn)],
      ['PUT', `/v4/jobGroups/${g.id}/publish?dryRun=true`, publishBody(g, bobConn)],
      ['GET', `/v4/wrangledDatasets/${g.recipeId}`, undefined],
    ] as const) {
      const r = await req(bob.auth, m, url, body);
      expectException(r, 404, 'DataNotFoundException');
      // The answer is the same as for an id that does not exist: nothing about A's objects leaks.
      expect(r.body).not.toContain('alice');
      expect(r.body).not.toContain('.parquet');
    }
    expect((await req(bob.auth, 'GET', '/v4/jobGroups?limit=1000')).json()).toEqual({ data: [], count: 0 });
    // B may not register results on A's recipe either.
    expectException(
      await req(bob.auth, 'POST', '/v4/jobGroups', { wrangledDataset: { id: g.recipeId }, results: [PQT] }),
      403,
      'AccessControlException',
    );
    // And A's publish jobs stay A's.
    const pub = await req(alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, bobConn));
    expect(pub.statusCode).toBe(403); // Bob's connection is not Alice's to use either.
    const own = await duckdbConnection(svc, alice.auth, {}, 'alice.duckdb');
    expect(
      (await req(alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, own))).statusCode,
    ).toBe(200);
    const jobId = await newestJobId(svc, alice.auth, g.id);
    expectException(await req(bob.auth, 'GET', `/v4/jobs/${jobId}`), 404, 'DataNotFoundException');
    expectException(await req(bob.auth, 'POST', `/v4/jobs/${jobId}/cancel`), 404, 'DataNotFoundException');
    expect((await req(alice.auth, 'GET', `/v4/jobs/${jobId}`)).json().status).toBe('Pending');
    await req(alice.auth, 'POST', `/v4/jobs/${jobId}/cancel`);
  });

  it('B cannot see A’s private connection (404) nor publish with it (403)', async () => {
    const c = (await req(alice.auth, 'POST', '/v4/connections', postgresBody())).json().id;
    for (const [m, url, body] of [
      ['GET', `/v4/connections/${c}`, undefined],
      ['GET', `/v4/connections/${c}/status`, undefined],
      ['PATCH', `/v4/connections/${c}`, { name: 'mine' }],
      ['DELETE', `/v4/connections/${c}`, undefined],
      ['POST', `/v4/connections/${c}/permissions`, { person: { id: bob.id }, role: 'viewer' }],
    ] as const) {
      expectException(await req(bob.auth, m, url, body), 404, 'DataNotFoundException', `connection ${c}`);
    }
    const list = await req(bob.auth, 'GET', '/v4/connections?limit=1000');
    expect(list.json().data.map((x: { id: number }) => x.id)).not.toContain(c);
    const g = await jobGroup(svc, bob.auth, [CSV]);
    expectException(
      await req(
        bob.auth,
        'PUT',
        `/v4/jobGroups/${g.id}/publish`,
        publishBody(g, c, { inputFormat: 'csv', path: ['public'] }),
      ),
      403,
      'AccessControlException',
      `connection ${c}`,
    );
    expectException(
      await req(
        bob.auth,
        'PUT',
        `/v4/jobGroups/${g.id}/publish?dryRun=true`,
        publishBody(g, c, { inputFormat: 'csv' }),
      ),
      403,
      'AccessControlException',
    );
    expect((await req(bob.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().count).toBe(0);
    expect((await req(alice.auth, 'GET', `/v4/connections/${c}`)).json().name).toBe('pg');
  });

  it('no secret in answers to failed logins, failed status checks and a real publish with credentials', async () => {
    const wrong = 'Wrong-Password-Guess-77';
    const badToken = 'not-a-real-token-value-1234567890';
    secrets.push(wrong, badToken);
    expectException(
      await req(basic(ADMIN_EMAIL, wrong), 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
    expectException(
      await req(`Bearer ${badToken}`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
    expect((await req(`Bearer ${adminToken}`, 'GET', '/v4/people/current')).json().email).toBe(ADMIN_EMAIL);

    const my = (
      await req(
        alice.auth,
        'POST',
        '/v4/connections',
        mysqlBody({ port: 3999, credentials: [{ username: 'root', password: MYSQL_PASSWORD }] }),
      )
    ).json().id;
    expectException(await req(alice.auth, 'GET', `/v4/connections/${my}/status`), 400, 'ValidationFailed');
    const pgBad = (await req(alice.auth, 'POST', '/v4/connections', postgresBody({ port: 5999 }))).json().id;
    expectException(await req(alice.auth, 'GET', `/v4/connections/${pgBad}/status`), 400, 'ValidationFailed');

    // A real publish into PostgreSQL with a connection that carries a password (trust auth ignores it).
    svc.startWorkers();
    const pg = (await req(alice.auth, 'POST', '/v4/connections', postgresBody())).json().id;
    const g = await jobGroup(svc, alice.auth, [CSV]);
    const body = publishBody(g, pg, { inputFormat: 'csv', path: sandbox.path, table: 'secret_check' });
    expect((await req(alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, body)).statusCode).toBe(200);
    const job = await pollJob(svc, alice.auth, await newestJobId(svc, alice.auth, g.id));
    bodies.push(JSON.stringify(job));
    expect(job.status, JSON.stringify(job)).toBe('Complete');
    expect(job.rowsWritten).toBe(CSV_ROWS);
    expect(await sandbox.tables()).toEqual([String(job.finalTable)]);
    // A publish that fails at the target, with the password-carrying connection, says why without it.
    const failed = publishBody(g, pg, {
      inputFormat: 'csv',
      path: sandbox.path,
      table: 'missing',
      action: 'load',
    });
    expect((await req(alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, failed)).statusCode).toBe(200);
    const f = await pollJob(svc, alice.auth, await newestJobId(svc, alice.auth, g.id));
    bodies.push(JSON.stringify(f));
    expect(f.status).toBe('Failed');
    expect(String(f.errorMessage)).toContain('missing');
  });
});
