import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import {
  CSV,
  CSV_ROWS,
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  jobGroup,
  MYSQL_PASSWORD,
  mysqlBody,
  PG_PASSWORD,
  PQT,
  PQT_ROWS,
  personPassword,
  postgresBody,
  publishBody,
  tokenOf,
  UUID,
} from './helpers.js';

/** api.md, Publish — `PUT /v4/jobGroups/:id/publish`: the answer and every validation rule, in order. */
describe('publish', () => {
  let svc: TestService;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let g: { id: number; recipeId: number };
  let duck: number;
  let pg: number;
  let my: number;
  beforeAll(async () => {
    svc = await testService();
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
    g = await jobGroup(svc, alice.auth, [PQT, CSV]);
    duck = await duckdbConnection(svc, alice.auth);
    pg = (await call(svc, alice.auth, 'POST', '/v4/connections', postgresBody())).json().id;
    my = (await call(svc, alice.auth, 'POST', '/v4/connections', mysqlBody())).json().id;
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [
      PG_PASSWORD,
      MYSQL_PASSWORD,
      personPassword('alice@jobpub.test'),
      personPassword('bob@jobpub.test'),
      tokenOf(alice.auth),
      tokenOf(bob.auth),
    ]);
    await svc.close();
  });

  const put = (id: number, body: unknown, auth = alice.auth, query = '') =>
    call(svc, auth, 'PUT', `/v4/jobGroups/${id}/publish${query}`, body);
  const jobCount = async () =>
    Number((await svc.deps.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM jobs'))?.n);

  it('answers 200 {jobgroupId, reason: JobStarted, sessionId} and enqueues one Pending job', async () => {
    const before = await jobCount();
    const r = await put(g.id, publishBody(g, duck, { table: 'answer' }));
    expect(r.statusCode, r.body).toBe(200);
    expect(Object.keys(r.json()).sort()).toEqual(['jobgroupId', 'reason', 'sessionId']);
    expect(r.json().jobgroupId).toBe(g.id);
    expect(r.json().reason).toBe('JobStarted');
    expect(r.json().sessionId).toMatch(UUID);
    expect(await jobCount()).toBe(before + 1);
    const job = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/publications`)).json().data[0];
    expect(job).toMatchObject({
      sessionId: r.json().sessionId,
      status: 'Pending',
      table: 'answer',
      path: ['main'],
      action: 'createAndLoad',
      inputFormat: 'pqt',
      connection: { id: duck },
      rowsTotal: PQT_ROWS,
    });
  });

  it('1. job group: missing 404, not visible 404, deleted 410, not Complete 400', async () => {
    expectException(await put(99999, publishBody(g, duck)), 404, 'DataNotFoundException', 'jobGroup 99999');
    const bobConn = await duckdbConnection(svc, bob.auth, {}, 'bob.duckdb');
    expectException(
      await put(g.id, publishBody(g, bobConn), bob.auth),
      404,
      'DataNotFoundException',
      `${g.id}`,
    );

    const deleted = await jobGroup(svc, alice.auth);
    expect((await call(svc, alice.auth, 'DELETE', `/v4/jobGroups/${deleted.id}`)).statusCode).toBe(204);
    expectException(await put(deleted.id, publishBody(deleted, duck)), 410, 'Gone', `jobGroup ${deleted.id}`);

    const failed = await jobGroup(svc, alice.auth);
    await svc.deps.store.db.run("UPDATE job_groups SET status = 'Failed' WHERE id = ?", [failed.id]);
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${failed.id}/status`)).body).toBe('"Failed"');
    expectException(
      await put(failed.id, publishBody(failed, duck)),
      400,
      'ValidationFailed',
      /Failed.*Complete/,
    );
  });

  it('2. flowNodeId that is not the job group’s recipe', async () => {
    const other = await jobGroup(svc, alice.auth);
    expectException(
      await put(g.id, publishBody(g, duck, { flowNodeId: other.recipeId })),
      400,
      'ValidationFailed',
      `flowNodeId ${other.recipeId}`,
    );
  });

  it('3. inputFormat with no result of that format', async () => {
    for (const f of ['avro', 'json']) {
      const d = expectException(
        await put(g.id, publishBody(g, duck, { inputFormat: f })),
        400,
        'ValidationFailed',
        `inputFormat "${f}"`,
      );
      expect(d).toContain('pqt, csv');
    }
    expectException(
      await put(g.id, publishBody(g, duck, { inputFormat: 'xlsx' })),
      400,
      'ValidationFailed',
      'inputFormat',
    );
  });

  it('4. connection missing or deleted (400), not usable by the caller (403)', async () => {
    expectException(
      await put(g.id, publishBody(g, 99999)),
      400,
      'ValidationFailed',
      'connection 99999 does not exist',
    );
    const gone = await duckdbConnection(svc, alice.auth, {}, 'gone.duckdb');
    expect((await call(svc, alice.auth, 'DELETE', `/v4/connections/${gone}`)).statusCode).toBe(204);
    expectException(await put(g.id, publishBody(g, gone)), 400, 'ValidationFailed', `connection ${gone}`);
    const bobs = await duckdbConnection(svc, bob.auth, {}, 'bobs.duckdb');
    expectException(
      await put(g.id, publishBody(g, bobs)),
      403,
      'AccessControlException',
      `connection ${bobs}`,
    );
    // Not tested: "connection is not a table target (an s3 one)" — no s3 vendor is offered yet.
  });

  it('5. path must be an array of 1–2 non-empty strings', async () => {
    for (const path of [[], ['a', 'b', 'c'], [''], ['main', ''], 'main', [1], null, ['a\u0000b']]) {
      expectException(await put(g.id, publishBody(g, duck, { path })), 400, 'ValidationFailed', 'path');
    }
    // PostgreSQL takes [schema] and [database, schema]; MySQL only [database].
    for (const path of [['public'], ['test', 'public']]) {
      const r = await put(
        g.id,
        publishBody(g, pg, { path, inputFormat: 'csv', table: 'p' }),
        alice.auth,
        '?dryRun=true',
      );
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().plan.requested).toEqual({ namespace: 'public', name: 'p' });
    }
    expectException(
      await put(g.id, publishBody(g, my, { path: ['test', 'x'], inputFormat: 'csv' })),
      400,
      'ValidationFailed',
      /MySQL path/,
    );
    // A schema name over the identifier limit is refused like a table name.
    expectException(
      await put(g.id, publishBody(g, pg, { path: ['s'.repeat(64)], inputFormat: 'csv' })),
      400,
      'ValidationFailed',
      /path .*64 bytes/,
    );
  });

  it('6. table empty, over the target’s identifier limit, or holding NUL or control characters', async () => {
    const cases: [number, string, string | RegExp][] = [
      [duck, '', 'table'],
      [duck, 'a\u0000b', /table.*control/],
      [duck, 'a\nb', /table.*control/],
      [duck, 'tab\there', /table.*control/],
      [duck, 'del\u007f', /table.*control/],
      [pg, 'a'.repeat(64), /table "a+" is 64 bytes.*at most 63/],
      [pg, 'é'.repeat(32), /64 bytes.*at most 63/],
      [pg, `public.${'a'.repeat(64)}`, /64 bytes/],
      [my, 'm'.repeat(65), /65 bytes.*at most 64/],
      [duck, 'd'.repeat(256), /256 bytes.*at most 255/],
    ];
    for (const [conn, table, words] of cases) {
      const path = conn === my ? ['test'] : conn === pg ? ['public'] : ['main'];
      const body = publishBody(g, conn, { table, path, inputFormat: 'csv' });
      expectException(await put(g.id, body), 400, 'ValidationFailed', words);
    }
    expectException(await put(g.id, publishBody(g, duck, { table: 5 })), 400, 'ValidationFailed', 'table');
    // At the limit is fine (a truncateAndLoad keeps the name as it is).
    for (const [conn, table, path] of [
      [pg, 'a'.repeat(63), ['public']],
      [pg, 'é'.repeat(31), ['public']],
      [my, 'm'.repeat(64), ['test']],
    ] as const) {
      const r = await put(
        g.id,
        publishBody(g, conn, { table, path, action: 'truncateAndLoad', inputFormat: 'csv' }),
      );
      expect(r.statusCode, r.body).toBe(200);
    }
  });

  it('6b. create / createAndLoad refuse a table that is over the limit once suffixed', async () => {
    for (const action of ['create', 'createAndLoad']) {
      const before = await jobCount();
      expectException(
        await put(
          g.id,
          publishBody(g, pg, { table: 'a'.repeat(63), path: ['public'], inputFormat: 'csv', action }),
        ),
        400,
        'ValidationFailed',
        /_yyyyMMddHHmmss suffix.*78 bytes.*at most 63/,
      );
      expect(await jobCount()).toBe(before);
    }
    // 48 bytes + 15 of the suffix is exactly 63.
    const ok = await put(
      g.id,
      publishBody(g, pg, { table: 'b'.repeat(48), path: ['public'], inputFormat: 'csv' }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expectException(
      await put(g.id, publishBody(g, pg, { table: 'b'.repeat(49), path: ['public'], inputFormat: 'csv' })),
      400,
      'ValidationFailed',
      /64 bytes/,
    );
  });

  it('7. action must be one of the five', async () => {
    for (const action of ['append', 'CREATE', '', 'drop']) {
      expectException(
        await put(g.id, publishBody(g, duck, { action })),
        400,
        'ValidationFailed',
        'action must be one of create, load, createAndLoad, truncateAndLoad, dropAndLoad',
      );
    }
    for (const action of ['create', 'load', 'createAndLoad', 'truncateAndLoad', 'dropAndLoad']) {
      const r = await put(g.id, publishBody(g, duck, { action, table: `act_${action}` }));
      expect(r.statusCode, r.body).toBe(200);
    }
  });

  it('all six fields are required; unknown fields are refused', async () => {
    for (const field of ['connection', 'path', 'table', 'action', 'inputFormat', 'flowNodeId']) {
      const body: Record<string, unknown> = publishBody(g, duck);
      delete body[field];
      expectException(await put(g.id, body), 400, 'ValidationFailed', field);
    }
    expectException(await put(g.id, publishBody(g, duck, { force: true })), 400, 'ValidationFailed', 'force');
    expectException(
      await put(g.id, publishBody(g, duck, { connection: 3 })),
      400,
      'ValidationFailed',
      'connection',
    );
    expectException(
      await put(g.id, publishBody(g, duck, { flowNodeId: '3' })),
      400,
      'ValidationFailed',
      'flowNodeId',
    );
  });

  it('checks in the spec’s order: the first broken rule is the one reported', async () => {
    const failed = await jobGroup(svc, alice.auth);
    await svc.deps.store.db.run("UPDATE job_groups SET status = 'Failed' WHERE id = ?", [failed.id]);
    // Not Complete beats a wrong flowNodeId.
    expectException(
      await put(failed.id, publishBody(failed, 99999, { flowNodeId: 77777 })),
      400,
      'ValidationFailed',
      /Failed/,
    );
    // flowNodeId beats inputFormat and connection.
    expectException(
      await put(g.id, publishBody(g, 99999, { flowNodeId: 77777, inputFormat: 'json' })),
      400,
      'ValidationFailed',
      'flowNodeId 77777',
    );
    // inputFormat beats connection.
    expectException(
      await put(g.id, publishBody(g, 99999, { inputFormat: 'json' })),
      400,
      'ValidationFailed',
      'inputFormat',
    );
    // The connection beats the table name.
    expectException(
      await put(g.id, publishBody(g, 99999, { table: 'x'.repeat(300) })),
      400,
      'ValidationFailed',
      'connection 99999',
    );
    // Nothing was enqueued by any refusal.
    const jobs = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${failed.id}/jobs`)).json();
    expect(jobs.count).toBe(0);
  });

  it('a second identical request while the first is Pending answers the same sessionId', async () => {
    const body = publishBody(g, duck, { table: 'dupe', action: 'truncateAndLoad' });
    const before = await jobCount();
    const first = await put(g.id, body);
    const second = await put(g.id, body);
    expect(first.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(await jobCount()).toBe(before + 1);
    // Any field that differs is another publish.
    for (const over of [
      { table: 'dupe2' },
      { action: 'dropAndLoad' },
      { inputFormat: 'csv' },
      { path: ['other'] },
    ]) {
      const r = await put(g.id, { ...body, ...over });
      expect(r.json().sessionId).not.toBe(first.json().sessionId);
    }
    const pg1 = await put(g.id, { ...body, connection: { id: pg }, path: ['public'] });
    expect(pg1.json().sessionId).not.toBe(first.json().sessionId);
    // Once the first is no longer queued, the same request starts a new one.
    const jobs = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().data as {
      id: number;
      sessionId: string;
    }[];
    const job = jobs.find((j) => j.sessionId === first.json().sessionId)!;
    expect((await call(svc, alice.auth, 'POST', `/v4/jobs/${job.id}/cancel`)).json().status).toBe('Canceled');
    const third = await put(g.id, body);
    expect(third.statusCode).toBe(200);
    expect(third.json().sessionId).not.toBe(first.json().sessionId);
  });

  it('?dryRun=true answers the plan (columns, steps, DDL) and enqueues nothing', async () => {
    const before = await jobCount();
    const r = await put(g.id, publishBody(g, duck, { table: 'planned' }), alice.auth, '?dryRun=true');
    expect(r.statusCode, r.body).toBe(200);
    const plan = r.json().plan;
    expect(plan.action).toBe('createAndLoad');
    expect(plan.expectedRows).toBe(PQT_ROWS);
    expect(plan.requested).toEqual({ namespace: 'main', name: 'planned' });
    expect(plan.finalTable.name).toMatch(/^planned_\d{14}$/);
    expect(plan.columns.map((c: { name: string }) => c.name)).toEqual([
      'i',
      'l',
      'f',
      'd',
      's',
      's2',
      'b',
      'ts',
      'ls',
    ]);
    for (const c of plan.columns) expect(typeof c.sqlType).toBe('string');
    const sql = plan.steps
      .filter((s: { kind: string }) => s.kind === 'sql')
      .map((s: { sql: string }) => s.sql)
      .join('\n');
    expect(sql).toMatch(/CREATE TABLE/i);
    expect(sql).toContain(plan.finalTable.name);
    expect(plan.steps.some((s: { kind: string }) => s.kind === 'load')).toBe(true);
    expect(await jobCount()).toBe(before);

    // Against PostgreSQL too, with the csv results.
    const p = await put(
      g.id,
      publishBody(g, pg, { table: 'planned', path: ['public'], inputFormat: 'csv', action: 'dropAndLoad' }),
      alice.auth,
      '?dryRun=true',
    );
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json().plan.expectedRows).toBe(CSV_ROWS);
    expect(p.json().plan.finalTable).toEqual({ namespace: 'public', name: 'planned' });
    expect(JSON.stringify(p.json())).not.toContain(PG_PASSWORD);
    expect(await jobCount()).toBe(before);

    // dryRun takes true or false; false enqueues.
    expectException(
      await put(g.id, publishBody(g, duck), alice.auth, '?dryRun=yes'),
      400,
      'ValidationFailed',
      'dryRun',
    );
    const real = await put(g.id, publishBody(g, duck, { table: 'not_dry' }), alice.auth, '?dryRun=false');
    expect(real.json().reason).toBe('JobStarted');
    expect(await jobCount()).toBe(before + 1);
    // A dry run validates like a real one.
    expectException(
      await put(g.id, publishBody(g, duck, { flowNodeId: 77777 }), alice.auth, '?dryRun=true'),
      400,
      'ValidationFailed',
      'flowNodeId',
    );
  });
});
