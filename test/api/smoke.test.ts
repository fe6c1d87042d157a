import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';

describe('service smoke', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await testService();
  });
  afterAll(() => svc.close());

  it('answers the caller with Basic auth and refuses no auth', async () => {
    const me = await svc.app.inject({ url: '/v4/people/current', headers: { authorization: svc.adminAuth } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email: 'admin@jobpub.test', isAdmin: true });
    const anon = await svc.app.inject({ url: '/v4/people/current' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().exception.name).toBe('AuthenticationFailed');
  });
});
