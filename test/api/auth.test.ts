import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestService, testService } from '../support/service.js';
import {
  basic,
  call,
  expectException,
  expectNoSecretsInLogs,
  ISO,
  personPassword,
  tokenOf,
  UUID,
} from './helpers.js';

/** api.md, Authentication and people. */
describe('authentication, tokens and people', () => {
  let svc: TestService;
  const secrets: string[] = [];
  let bob: { id: number; auth: string };
  beforeAll(async () => {
    svc = await testService();
    bob = await svc.person('bob@jobpub.test');
    secrets.push(personPassword('bob@jobpub.test'), tokenOf(bob.auth));
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, secrets);
    await svc.close();
  });

  const newToken = async (auth: string, body: Record<string, unknown>) => {
    const r = await call(svc, auth, 'POST', '/v4/apiAccessTokens', body);
    expect(r.statusCode, r.body).toBe(201);
    secrets.push(r.json().tokenValue);
    return r.json() as {
      tokenValue: string;
      tokenInfo: { tokenId: string; expiredAt: string | null; lastUsed: string | null };
    };
  };

  it('accepts Basic email:password and Bearer tokens', async () => {
    const viaBasic = await call(svc, basic(ADMIN_EMAIL, ADMIN_PASSWORD), 'GET', '/v4/people/current');
    expect(viaBasic.statusCode).toBe(200);
    expect(viaBasic.json()).toMatchObject({ id: 1, email: ADMIN_EMAIL, isAdmin: true });
    const viaBearer = await call(svc, bob.auth, 'GET', '/v4/people/current');
    expect(viaBearer.statusCode).toBe(200);
    expect(viaBearer.json()).toMatchObject({
      id: bob.id,
      email: 'bob@jobpub.test',
      name: 'bob',
      isAdmin: false,
    });
    expect(Object.keys(viaBearer.json()).sort()).toEqual([
      'createdAt',
      'email',
      'id',
      'isAdmin',
      'name',
      'updatedAt',
    ]);
    // The scheme is case-insensitive.
    expect((await call(svc, `bearer ${tokenOf(bob.auth)}`, 'GET', '/v4/people/current')).statusCode).toBe(
      200,
    );
  });

  it('refuses no, empty, unknown and wrong credentials with 401 AuthenticationFailed', async () => {
    const cases: (string | undefined)[] = [
      undefined,
      'Bearer ',
      'Bearer not-a-token',
      `Bearer ${tokenOf(bob.auth)}x`,
      'Token abc',
      'Basic',
      'Basic bm9jb2xvbg==', // "nocolon"
      basic(ADMIN_EMAIL, 'wrong-password'),
      basic('nobody@jobpub.test', ADMIN_PASSWORD),
      basic(ADMIN_EMAIL, ''),
    ];
    for (const auth of cases) {
      expectException(await call(svc, auth, 'GET', '/v4/people/current'), 401, 'AuthenticationFailed');
    }
    // Every /v4 route authenticates, reads and writes alike.
    expectException(await call(svc, undefined, 'GET', '/v4/connections'), 401, 'AuthenticationFailed');
    expectException(
      await call(svc, undefined, 'POST', '/v4/flows', { name: 'x' }),
      401,
      'AuthenticationFailed',
    );
    expectException(
      await call(svc, undefined, 'PUT', '/v4/jobGroups/1/publish', {}),
      401,
      'AuthenticationFailed',
    );
  });

  it('creates a token: 201 with tokenValue and tokenInfo, expiring after lifetimeSeconds', async () => {
    const before = Date.now();
    const t = await newToken(svc.adminAuth, { lifetimeSeconds: 3600, description: 'ci' });
    expect(Object.keys(t).sort()).toEqual(['tokenInfo', 'tokenValue']);
    expect(t.tokenValue.length).toBeGreaterThanOrEqual(32);
    expect(Object.keys(t.tokenInfo).sort()).toEqual([
      'createdAt',
      'description',
      'expiredAt',
      'lastUsed',
      'tokenId',
    ]);
    expect(t.tokenInfo).toMatchObject({ description: 'ci', lastUsed: null });
    expect(t.tokenInfo.tokenId).toMatch(UUID);
    expect(t.tokenInfo.expiredAt).toMatch(ISO);
    const expires = Date.parse(t.tokenInfo.expiredAt!);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

    const use = await call(svc, `Bearer ${t.tokenValue}`, 'GET', '/v4/people/current');
    expect(use.json().email).toBe(ADMIN_EMAIL);
    const info = await call(svc, svc.adminAuth, 'GET', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`);
    expect(info.statusCode).toBe(200);
    expect(info.json().lastUsed).toMatch(ISO);
    expect(info.json()).not.toHaveProperty('tokenValue');
  });

  it('lifetimeSeconds -1 never expires; 0, -2, a fraction and a missing one are 400s', async () => {
    const t = await newToken(bob.auth, { lifetimeSeconds: -1 });
    expect(t.tokenInfo.expiredAt).toBeNull();
    expect((await call(svc, `Bearer ${t.tokenValue}`, 'GET', '/v4/people/current')).json().id).toBe(bob.id);
    for (const body of [{ lifetimeSeconds: 0 }, { lifetimeSeconds: -2 }, { lifetimeSeconds: 1.5 }, {}]) {
      expectException(
        await call(svc, bob.auth, 'POST', '/v4/apiAccessTokens', body),
        400,
        'ValidationFailed',
        'lifetimeSeconds',
      );
    }
  });

  it('an expired token is a 401', async () => {
    const t = await newToken(bob.auth, { lifetimeSeconds: 1 });
    expect((await call(svc, `Bearer ${t.tokenValue}`, 'GET', '/v4/people/current')).statusCode).toBe(200);
    await sleep(1100);
    expectException(
      await call(svc, `Bearer ${t.tokenValue}`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
      'expired',
    );
    // An expired row written straight into the store is refused too.
    const old = await newToken(bob.auth, { lifetimeSeconds: 3600 });
    await svc.deps.store.db.run('UPDATE api_tokens SET expires_at = ? WHERE token_id = ?', [
      '2020-01-01T00:00:00.000Z',
      old.tokenInfo.tokenId,
    ]);
    expectException(
      await call(svc, `Bearer ${old.tokenValue}`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
  });

  it('lists, gets and deletes own tokens; a deleted token is a 401; others cannot see them', async () => {
    const carol = await svc.person('carol@jobpub.test');
    secrets.push(personPassword('carol@jobpub.test'), tokenOf(carol.auth));
    const t = await newToken(carol.auth, { lifetimeSeconds: 600, description: 'to delete' });
    const list = await call(svc, carol.auth, 'GET', '/v4/apiAccessTokens');
    expect(list.statusCode).toBe(200);
    expect(list.json().count).toBe(2);
    expect(list.json().data.map((x: { tokenId: string }) => x.tokenId)).toContain(t.tokenInfo.tokenId);
    for (const x of list.json().data) expect(x).not.toHaveProperty('tokenValue');

    // Bob sees neither the token in his list nor by its id, and cannot delete it.
    const bobs = await call(svc, bob.auth, 'GET', '/v4/apiAccessTokens?limit=1000');
    expect(bobs.json().data.map((x: { tokenId: string }) => x.tokenId)).not.toContain(t.tokenInfo.tokenId);
    expectException(
      await call(svc, bob.auth, 'GET', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`),
      404,
      'DataNotFoundException',
    );
    expectException(
      await call(svc, bob.auth, 'DELETE', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`),
      404,
      'DataNotFoundException',
    );

    const del = await call(svc, carol.auth, 'DELETE', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`);
    expect(del.statusCode).toBe(204);
    expectException(
      await call(svc, `Bearer ${t.tokenValue}`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
    expectException(
      await call(svc, carol.auth, 'GET', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`),
      404,
      'DataNotFoundException',
    );
    expectException(
      await call(svc, carol.auth, 'DELETE', `/v4/apiAccessTokens/${t.tokenInfo.tokenId}`),
      404,
      'DataNotFoundException',
    );
    expect((await call(svc, carol.auth, 'GET', '/v4/apiAccessTokens')).json().count).toBe(1);
  });

  it('POST /v4/people: admin only (403), 201 without any password, 409 on a duplicate email', async () => {
    const pw = 'dora-Very-Secret-9';
    secrets.push(pw);
    expectException(
      await call(svc, bob.auth, 'POST', '/v4/people', { email: 'x@jobpub.test', name: 'x', password: pw }),
      403,
      'AccessControlException',
    );
    const made = await call(svc, svc.adminAuth, 'POST', '/v4/people', {
      email: 'dora@jobpub.test',
      name: 'Dora',
      password: pw,
      isAdmin: false,
    });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ email: 'dora@jobpub.test', name: 'Dora', isAdmin: false });
    expect(made.json().id).toBeGreaterThan(bob.id);
    expect(made.body).not.toContain(pw);
    expect(made.body.toLowerCase()).not.toContain('password');
    const me = await call(svc, basic('dora@jobpub.test', pw), 'GET', '/v4/people/current');
    expect(me.json()).toMatchObject({ id: made.json().id, isAdmin: false });

    expectException(
      await call(svc, svc.adminAuth, 'POST', '/v4/people', {
        email: 'dora@jobpub.test',
        name: 'Dora 2',
        password: 'another-password',
      }),
      409,
      'Conflict',
      'dora@jobpub.test',
    );
    for (const [body, field] of [
      [{ email: 'not-an-email', name: 'n', password: 'longenough' }, 'email'],
      [{ email: 'e@jobpub.test', name: 'n', password: 'short' }, 'password'],
      [{ email: 'e@jobpub.test', name: '', password: 'longenough' }, 'name'],
      [{ email: 'e@jobpub.test', name: 'n' }, 'password'],
      [{ email: 'e@jobpub.test', name: 'n', password: 'longenough', role: 'x' }, 'role'],
    ] as const) {
      expectException(
        await call(svc, svc.adminAuth, 'POST', '/v4/people', body),
        400,
        'ValidationFailed',
        field,
      );
    }
  });

  it('an admin made by an admin is an admin; people lists are for admins', async () => {
    const pw = 'eve-Very-Secret-9';
    secrets.push(pw);
    const made = await call(svc, svc.adminAuth, 'POST', '/v4/people', {
      email: 'eve@jobpub.test',
      name: 'Eve',
      password: pw,
      isAdmin: true,
    });
    expect(made.statusCode).toBe(201);
    const eve = basic('eve@jobpub.test', pw);
    expect((await call(svc, eve, 'GET', '/v4/people/current')).json().isAdmin).toBe(true);
    expect((await call(svc, eve, 'GET', '/v4/people')).json().count).toBeGreaterThanOrEqual(3);
    expectException(await call(svc, bob.auth, 'GET', '/v4/people'), 403, 'AccessControlException');
  });

  it('stores only hashes: no token value and no password in any table', async () => {
    const t = await newToken(bob.auth, { lifetimeSeconds: 60 });
    const tables = await svc.deps.store.db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table'",
    );
    expect(tables.map((x) => x.name)).toEqual(expect.arrayContaining(['people', 'api_tokens']));
    let dump = '';
    for (const { name } of tables)
      dump += JSON.stringify(await svc.deps.store.db.all(`SELECT * FROM "${name}"`));
    expect(dump).toContain('bob@jobpub.test');
    expect(dump).toContain(t.tokenInfo.tokenId);
    for (const s of [...secrets, ADMIN_PASSWORD]) expect(dump.includes(s), s.slice(0, 3)).toBe(false);
  });
});

describe('JOBPUB_ADMIN_TOKEN', () => {
  const adminToken = 'automation-token-0123456789abcdef';
  let svc: TestService;
  beforeAll(async () => {
    svc = await testService({ JOBPUB_ADMIN_TOKEN: adminToken });
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [adminToken]);
    await svc.close();
  });

  it('is accepted as the admin API token, and only that exact value', async () => {
    const me = await call(svc, `Bearer ${adminToken}`, 'GET', '/v4/people/current');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: ADMIN_EMAIL, isAdmin: true });
    const made = await call(svc, `Bearer ${adminToken}`, 'POST', '/v4/people', {
      email: 'p@jobpub.test',
      name: 'p',
      password: 'p-password-1',
    });
    expect(made.statusCode).toBe(201);
    expectException(
      await call(svc, `Bearer ${adminToken}0`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
    expectException(
      await call(svc, `Bearer ${adminToken.slice(0, -1)}`, 'GET', '/v4/people/current'),
      401,
      'AuthenticationFailed',
    );
    const rows = JSON.stringify(await svc.deps.store.db.all('SELECT * FROM api_tokens'));
    expect(rows).not.toContain(adminToken);
  });
});
