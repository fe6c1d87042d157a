import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import { call, expectException, expectNoSecretsInLogs, ISO, personPassword, tokenOf } from './helpers.js';

/** api.md, Flows and recipes. */
describe('flows and wrangledDatasets', () => {
  let svc: TestService;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  beforeAll(async () => {
    svc = await testService();
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
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

  it('creates, gets and lists flows', async () => {
    const r = await call(svc, alice.auth, 'POST', '/v4/flows', { name: 'orders', description: 'daily' });
    expect(r.statusCode).toBe(201);
    const f = r.json();
    expect(Object.keys(f).sort()).toEqual(['createdAt', 'creator', 'description', 'id', 'name', 'updatedAt']);
    expect(f).toMatchObject({ name: 'orders', description: 'daily', creator: { id: alice.id } });
    expect(f.createdAt).toMatch(ISO);
    expect((await call(svc, alice.auth, 'GET', `/v4/flows/${f.id}`)).json()).toEqual(f);
    const list = await call(svc, alice.auth, 'GET', '/v4/flows');
    expect(list.json()).toEqual({ data: [f], count: 1 });
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/flows', { name: '' }),
      400,
      'ValidationFailed',
      'name',
    );
  });

  it('creates, gets and lists recipes; its flow must exist and be the caller’s', async () => {
    const flow = (await call(svc, alice.auth, 'POST', '/v4/flows', { name: 'f' })).json();
    const r = await call(svc, alice.auth, 'POST', '/v4/wrangledDatasets', {
      name: 'recipe',
      flow: { id: flow.id },
    });
    expect(r.statusCode).toBe(201);
    const w = r.json();
    expect(w).toMatchObject({ name: 'recipe', flow: { id: flow.id }, creator: { id: alice.id } });
    expect(w.id).toBeGreaterThan(0);
    expect((await call(svc, alice.auth, 'GET', `/v4/wrangledDatasets/${w.id}`)).json()).toEqual(w);
    const list = await call(svc, alice.auth, 'GET', '/v4/wrangledDatasets');
    expect(list.json()).toEqual({ data: [w], count: 1 });

    expectException(
      await call(svc, alice.auth, 'POST', '/v4/wrangledDatasets', { name: 'x', flow: { id: 99999 } }),
      400,
      'ValidationFailed',
      'flow 99999',
    );
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/wrangledDatasets', { name: 'x' }),
      400,
      'ValidationFailed',
      'flow',
    );
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/wrangledDatasets', { name: 'x', flow: { id: 'a' } }),
      400,
      'ValidationFailed',
      'flow',
    );
    // Bob may not hang a recipe on Alice's flow.
    expectException(
      await call(svc, bob.auth, 'POST', '/v4/wrangledDatasets', { name: 'x', flow: { id: flow.id } }),
      403,
      'AccessControlException',
    );
  });

  it('another user’s flow or recipe is a 404 and is not listed; an admin sees them', async () => {
    const flow = (await call(svc, alice.auth, 'POST', '/v4/flows', { name: 'private' })).json();
    const w = (
      await call(svc, alice.auth, 'POST', '/v4/wrangledDatasets', { name: 'private', flow: { id: flow.id } })
    ).json();
    expectException(await call(svc, bob.auth, 'GET', `/v4/flows/${flow.id}`), 404, 'DataNotFoundException');
    expectException(
      await call(svc, bob.auth, 'GET', `/v4/wrangledDatasets/${w.id}`),
      404,
      'DataNotFoundException',
    );
    expect((await call(svc, bob.auth, 'GET', '/v4/flows')).json()).toEqual({ data: [], count: 0 });
    expect((await call(svc, bob.auth, 'GET', '/v4/wrangledDatasets')).json()).toEqual({ data: [], count: 0 });
    expect((await call(svc, svc.adminAuth, 'GET', `/v4/flows/${flow.id}`)).statusCode).toBe(200);
    expect((await call(svc, svc.adminAuth, 'GET', `/v4/wrangledDatasets/${w.id}`)).statusCode).toBe(200);
    expectException(
      await call(svc, alice.auth, 'GET', '/v4/wrangledDatasets/99999'),
      404,
      'DataNotFoundException',
    );
  });
});
