import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import {
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  ISO,
  jobGroup,
  MYSQL_PASSWORD,
  mysqlBody,
  PG_PASSWORD,
  personPassword,
  postgresBody,
  publishBody,
  tokenOf,
} from './helpers.js';

/** api.md, Connections: per-vendor rules, secrecy of credentials, status checks, sharing. */
describe('connections', () => {
  let svc: TestService;
  let admin: string;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  const secrets: string[] = [PG_PASSWORD, MYSQL_PASSWORD];
  beforeAll(async () => {
    svc = await testService();
    admin = svc.adminAuth;
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
    for (const e of ['alice', 'bob']) secrets.push(personPassword(`${e}@jobpub.test`));
    secrets.push(tokenOf(alice.auth), tokenOf(bob.auth));
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, secrets);
    await svc.close();
  });

  const create = (auth: string, body: unknown) => call(svc, auth, 'POST', '/v4/connections', body);

  it('creates a postgres connection: 201, hasCredentials, never the credentials', async () => {
    const r = await create(alice.auth, postgresBody({ description: 'the warehouse' }));
    expect(r.statusCode, r.body).toBe(201);
    const c = r.json();
    expect(c).toMatchObject({
      name: 'pg',
      vendor: 'postgres',
      type: 'jdbc',
      host: '127.0.0.1',
      port: 5432,
      ssl: false,
      params: { database: 'test' },
      credentialType: 'basic',
      hasCredentials: true,
      isGlobal: false,
      description: 'the warehouse',
      creator: { id: alice.id },
    });
    expect(c.createdAt).toMatch(ISO);
    expect(c).not.toHaveProperty('credentials');
    expect(r.body).not.toContain(PG_PASSWORD);
    expect(r.body).not.toContain('password');
    // GET, the list and PATCH answer the same way.
    for (const res of [
      await call(svc, alice.auth, 'GET', `/v4/connections/${c.id}`),
      await call(svc, alice.auth, 'GET', '/v4/connections'),
      await call(svc, alice.auth, 'PATCH', `/v4/connections/${c.id}`, { description: 'x' }),
    ]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).not.toContain(PG_PASSWORD);
      expect(res.body).not.toContain('credentials"');
      expect(res.body).toContain('"hasCredentials":true');
    }
  });

  it('fills the default port and type; mysql and duckdb connections are made too', async () => {
    const { port: _p, type: _t, ...noPort } = postgresBody();
    const pg = await create(alice.auth, noPort);
    expect(pg.json()).toMatchObject({ port: 5432, type: 'jdbc' });
    const my = await create(alice.auth, mysqlBody({ port: undefined }));
    expect(my.statusCode, my.body).toBe(201);
    expect(my.json()).toMatchObject({ vendor: 'mysql', type: 'jdbc', port: 3306, hasCredentials: true });
    const duck = await create(alice.auth, {
      name: 'duck',
      vendor: 'duckdb',
      type: 'embedded',
      params: { path: 'sub/dir/w.duckdb', schema: 'main' },
      credentialType: 'none',
    });
    expect(duck.statusCode, duck.body).toBe(201);
    expect(duck.json()).toMatchObject({
      vendor: 'duckdb',
      type: 'embedded',
      host: null,
      port: null,
      params: { path: 'sub/dir/w.duckdb', schema: 'main' },
      credentialType: 'none',
      hasCredentials: false,
    });
  });

  it('refuses every breach of the per-vendor rules with a 400 naming the field', async () => {
    const duck = (over: Record<string, unknown>) => ({
      name: 'd',
      vendor: 'duckdb',
      params: { path: 'ok.duckdb' },
      ...over,
    });
    const cases: [unknown, RegExp | string][] = [
      [postgresBody({ vendor: 'oracle' }), 'vendor'],
      [postgresBody({ vendor: undefined }), 'vendor'],
      [postgresBody({ name: '' }), 'name'],
      [postgresBody({ type: 'embedded' }), /type must be "jdbc"/],
      [mysqlBody({ type: 'remotefile' }), /type must be "jdbc"/],
      [duck({ type: 'jdbc' }), /type must be "embedded"/],
      [postgresBody({ host: undefined }), /host is required/],
      [mysqlBody({ host: '' }), 'host'],
      [postgresBody({ port: 0 }), 'port'],
      [postgresBody({ port: 70000 }), 'port'],
      [postgresBody({ port: '5432' }), 'port'],
      [postgresBody({ params: {} }), 'params.database'],
      [postgresBody({ params: { database: '' } }), 'params.database'],
      [postgresBody({ params: { database: 5 } }), 'params.database'],
      [mysqlBody({ params: undefined }), 'params.database'],
      [postgresBody({ params: { database: 'test', schema: 'x' } }), /params.*schema/],
      [mysqlBody({ params: { database: 'test', db: 'x' } }), /params.*db/],
      [duck({ params: {} }), 'params.path'],
      [duck({ params: { path: 'ok.duckdb', database: 'x' } }), /params.*database/],
      [postgresBody({ credentialType: 'none' }), /credentialType must be one of basic/],
      [postgresBody({ credentialType: 'iamRoleArn' }), 'credentialType'],
      [duck({ credentialType: 'basic' }), /credentialType must be one of none/],
      [postgresBody({ credentials: undefined }), /credentials must hold exactly one entry/],
      [postgresBody({ credentials: [] }), /credentials must hold exactly one entry/],
      [
        postgresBody({
          credentials: [
            { username: 'u', password: 'p' },
            { username: 'v', password: 'q' },
          ],
        }),
        'credentials',
      ],
      [postgresBody({ credentials: [{ password: 'p' }] }), 'credentials[0].username'],
      [postgresBody({ credentials: [{ username: '', password: 'p' }] }), 'credentials[0].username'],
      [postgresBody({ credentials: [{ username: 'u' }] }), 'credentials[0].password'],
      [postgresBody({ credentials: [{ username: 'u', password: 'p', token: 't' }] }), 'credentials[0].token'],
      [postgresBody({ credentials: [{ username: 'u', password: 5 }] }), 'credentials'],
      [duck({ credentials: [{ username: 'u', password: 'p' }] }), /credentials must be empty/],
      [postgresBody({ extra: true }), 'extra'],
      [postgresBody({ ssl: 'yes' }), 'ssl'],
    ];
    for (const [body, field] of cases) {
      const r = await create(alice.auth, body);
      const details = expectException(r, 400, 'ValidationFailed', field);
      expect(details, JSON.stringify(body)).not.toContain(PG_PASSWORD);
    }
  });

  it('refuses a duckdb path that leaves the data directory', async () => {
    for (const p of [
      '../escape.duckdb',
      'a/../../escape.duckdb',
      '/tmp/escape.duckdb',
      '/etc/passwd',
      '.',
      '',
    ]) {
      const r = await create(alice.auth, { name: 'd', vendor: 'duckdb', params: { path: p } });
      expectException(r, 400, 'ValidationFailed', 'params.path');
    }
    // An absolute path inside the data directory is fine.
    const inside = await create(alice.auth, {
      name: 'd',
      vendor: 'duckdb',
      params: { path: path.join(svc.dataDir, 'inside.duckdb') },
    });
    expect(inside.statusCode, inside.body).toBe(201);
  });

  it('stores credentials encrypted: the password is in no row and not in the database file', async () => {
    const pw = 'Unique-Sealed-Password-42';
    secrets.push(pw);
    const r = await create(alice.auth, postgresBody({ credentials: [{ username: 'loader', password: pw }] }));
    expect(r.statusCode).toBe(201);
    const row = await svc.deps.store.db.get<Record<string, unknown>>(
      'SELECT * FROM connections WHERE id = ?',
      [r.json().id],
    );
    expect(row).toBeDefined();
    expect(typeof row!.credentials_sealed).toBe('string');
    expect(JSON.stringify(row)).not.toContain(pw);
    expect(JSON.stringify(row)).not.toContain('loader');
    // The service itself can open it again (the PATCH below keeps the credentials).
    expect(svc.deps.box.open(String(row!.credentials_sealed))).toContain(pw);
    for (const f of ['jobpub.sqlite', 'jobpub.sqlite-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(path.join(svc.dataDir, f));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(pw)), f).toBe(false);
    }
  });

  it('GET /:id/status answers SUCCESS against the real PostgreSQL, MariaDB and a DuckDB file', async () => {
    const pg = (await create(alice.auth, postgresBody())).json().id;
    const my = (await create(alice.auth, mysqlBody())).json().id;
    const duck = await duckdbConnection(svc, alice.auth, {}, 'status.duckdb');
    for (const id of [pg, my, duck]) {
      const r = await call(svc, alice.auth, 'GET', `/v4/connections/${id}/status`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ result: 'SUCCESS' });
    }
  });

  it('GET /:id/status is a 400 naming the reason for a wrong port or database, without the password', async () => {
    const bad = [
      postgresBody({ port: 5999 }),
      postgresBody({ params: { database: 'no_such_db_jp' } }),
      mysqlBody({ port: 3999, credentials: [{ username: 'root', password: MYSQL_PASSWORD }] }),
      mysqlBody({ params: { database: 'no_such_db_jp' } }),
    ];
    const reasons: string[] = [];
    for (const body of bad) {
      const id = (await create(alice.auth, body)).json().id;
      const r = await call(svc, alice.auth, 'GET', `/v4/connections/${id}/status`);
      const details = expectException(r, 400, 'ValidationFailed', `connection ${id} failed`);
      expect(details).not.toContain(PG_PASSWORD);
      expect(details).not.toContain(MYSQL_PASSWORD);
      expect(r.body).not.toContain(PG_PASSWORD);
      reasons.push(details);
    }
    // The reason is the driver's: a refused connection, or the missing database by name.
    expect(reasons[0]).toMatch(/ECONNREFUSED.*5999/);
    expect(reasons[1]).toContain('no_such_db_jp');
    expect(reasons[2]).toMatch(/ECONNREFUSED.*3999/);
    expect(reasons[3]).toContain('no_such_db_jp');
  });

  it('PATCH changes fields and keeps credentials; vendor and bad fields are refused', async () => {
    const id = (await create(alice.auth, postgresBody())).json().id;
    const r = await call(svc, alice.auth, 'PATCH', `/v4/connections/${id}`, {
      name: 'renamed',
      params: { database: 'test' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, name: 'renamed', hasCredentials: true, host: '127.0.0.1' });
    expect(Date.parse(r.json().updatedAt)).toBeGreaterThanOrEqual(Date.parse(r.json().createdAt));
    expect((await call(svc, alice.auth, 'GET', `/v4/connections/${id}`)).json().name).toBe('renamed');
    expect((await call(svc, alice.auth, 'GET', `/v4/connections/${id}/status`)).json()).toEqual({
      result: 'SUCCESS',
    });
    expectException(
      await call(svc, alice.auth, 'PATCH', `/v4/connections/${id}`, { vendor: 'mysql' }),
      400,
      'ValidationFailed',
      'vendor',
    );
    expectException(
      await call(svc, alice.auth, 'PATCH', `/v4/connections/${id}`, { params: { database: '' } }),
      400,
      'ValidationFailed',
      'params.database',
    );
    expectException(
      await call(svc, alice.auth, 'PATCH', `/v4/connections/${id}`, { colour: 'red' }),
      400,
      'ValidationFailed',
      'colour',
    );
    const moved = await call(svc, alice.auth, 'PATCH', `/v4/connections/${id}`, { port: 5999 });
    expect(moved.json()).toMatchObject({ port: 5999, hasCredentials: true });
    expectException(
      await call(svc, alice.auth, 'GET', `/v4/connections/${id}/status`),
      400,
      'ValidationFailed',
    );
  });

  it('DELETE answers 204; every later call on it answers 410 Gone', async () => {
    const id = (await create(alice.auth, postgresBody())).json().id;
    const del = await call(svc, alice.auth, 'DELETE', `/v4/connections/${id}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    for (const [method, url, body] of [
      ['GET', `/v4/connections/${id}`, undefined],
      ['PATCH', `/v4/connections/${id}`, { name: 'x' }],
      ['DELETE', `/v4/connections/${id}`, undefined],
      ['GET', `/v4/connections/${id}/status`, undefined],
      ['POST', `/v4/connections/${id}/permissions`, { person: { id: bob.id }, role: 'viewer' }],
    ] as const) {
      expectException(await call(svc, alice.auth, method, url, body), 410, 'Gone', `connection ${id}`);
    }
    const list = await call(svc, alice.auth, 'GET', '/v4/connections?limit=1000');
    expect(list.json().data.map((c: { id: number }) => c.id)).not.toContain(id);
    expectException(
      await call(svc, alice.auth, 'GET', '/v4/connections/999999'),
      404,
      'DataNotFoundException',
    );
  });

  it('sharing: a viewer sees and publishes with it, but cannot change, delete or share it', async () => {
    const id = await duckdbConnection(svc, alice.auth, {}, 'shared.duckdb');
    expectException(await call(svc, bob.auth, 'GET', `/v4/connections/${id}`), 404, 'DataNotFoundException');
    const g = await jobGroup(svc, bob.auth);
    expectException(
      await call(svc, bob.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, id)),
      403,
      'AccessControlException',
    );

    const share = await call(svc, alice.auth, 'POST', `/v4/connections/${id}/permissions`, {
      person: { id: bob.id },
      role: 'viewer',
    });
    expect(share.statusCode, share.body).toBe(201);
    expect(share.json()).toEqual({ connection: { id }, person: { id: bob.id }, role: 'viewer' });

    expect((await call(svc, bob.auth, 'GET', `/v4/connections/${id}`)).statusCode).toBe(200);
    const list = await call(svc, bob.auth, 'GET', '/v4/connections?limit=1000');
    expect(list.json().data.map((c: { id: number }) => c.id)).toContain(id);
    const pub = await call(svc, bob.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, id));
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().reason).toBe('JobStarted');

    expectException(
      await call(svc, bob.auth, 'PATCH', `/v4/connections/${id}`, { name: 'mine' }),
      403,
      'AccessControlException',
    );
    expectException(
      await call(svc, bob.auth, 'DELETE', `/v4/connections/${id}`),
      403,
      'AccessControlException',
    );
    expectException(
      await call(svc, bob.auth, 'POST', `/v4/connections/${id}/permissions`, {
        person: { id: bob.id },
        role: 'viewer',
      }),
      403,
      'AccessControlException',
    );
    expect((await call(svc, alice.auth, 'GET', `/v4/connections/${id}`)).json().name).toBe(
      'duck shared.duckdb',
    );

    // Bad shares: an unknown person, an unknown role.
    expectException(
      await call(svc, alice.auth, 'POST', `/v4/connections/${id}/permissions`, {
        person: { id: 99999 },
        role: 'viewer',
      }),
      400,
      'ValidationFailed',
      '99999',
    );
    expectException(
      await call(svc, alice.auth, 'POST', `/v4/connections/${id}/permissions`, {
        person: { id: bob.id },
        role: 'owner',
      }),
      400,
      'ValidationFailed',
      'role',
    );
  });

  it('global connections: admin-only to make, visible to and usable by everyone, changed by admins only', async () => {
    expectException(
      await create(alice.auth, { name: 'g', vendor: 'duckdb', params: { path: 'g.duckdb' }, isGlobal: true }),
      403,
      'AccessControlException',
      'global',
    );
    const own = await duckdbConnection(svc, alice.auth, {}, 'own.duckdb');
    expectException(
      await call(svc, alice.auth, 'PATCH', `/v4/connections/${own}`, { isGlobal: true }),
      403,
      'AccessControlException',
    );
    const g = await create(admin, {
      name: 'g',
      vendor: 'duckdb',
      params: { path: 'global.duckdb' },
      isGlobal: true,
    });
    expect(g.statusCode).toBe(201);
    expect(g.json().isGlobal).toBe(true);
    const id = g.json().id;
    for (const who of [alice, bob]) {
      expect((await call(svc, who.auth, 'GET', `/v4/connections/${id}`)).statusCode).toBe(200);
      const list = await call(svc, who.auth, 'GET', '/v4/connections?limit=1000');
      expect(list.json().data.map((c: { id: number }) => c.id)).toContain(id);
      expectException(
        await call(svc, who.auth, 'PATCH', `/v4/connections/${id}`, { name: 'x' }),
        403,
        'AccessControlException',
      );
    }
    const group = await jobGroup(svc, bob.auth);
    const pub = await call(svc, bob.auth, 'PUT', `/v4/jobGroups/${group.id}/publish`, publishBody(group, id));
    expect(pub.statusCode, pub.body).toBe(200);
    // Bob's list holds the global one but not Alice's private ones.
    const bobs = (await call(svc, bob.auth, 'GET', '/v4/connections?limit=1000')).json().data as {
      creator: { id: number };
      isGlobal: boolean;
      id: number;
      name: string;
    }[];
    // Each is global, Bob's own, or shared with him (the one of the sharing test).
    for (const c of bobs)
      expect(c.isGlobal || c.creator.id === bob.id || c.name === 'duck shared.duckdb').toBe(true);
    expect(bobs.map((c) => c.id)).not.toContain(own);
    // Admins see every connection.
    const all = (await call(svc, admin, 'GET', '/v4/connections?limit=1000'))
      .json()
      .data.map((c: { id: number }) => c.id);
    expect(all).toContain(own);
  });

  it('a connection used by a Pending publish cannot be deleted (409)', async () => {
    const id = await duckdbConnection(svc, alice.auth, {}, 'busy.duckdb');
    const g = await jobGroup(svc, alice.auth);
    const pub = await call(svc, alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, id));
    expect(pub.statusCode, pub.body).toBe(200);
    const job = (await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().data[0];
    expect(job.status).toBe('Pending');
    expectException(await call(svc, alice.auth, 'DELETE', `/v4/connections/${id}`), 409, 'Conflict', `${id}`);
    expect((await call(svc, alice.auth, 'GET', `/v4/connections/${id}`)).statusCode).toBe(200);
    // Once the job is canceled, it can go.
    expect((await call(svc, alice.auth, 'POST', `/v4/jobs/${job.id}/cancel`)).json().status).toBe('Canceled');
    expect((await call(svc, alice.auth, 'DELETE', `/v4/connections/${id}`)).statusCode).toBe(204);
  });
});
