import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestService, testService } from '../support/service.js';
import { adminBearer, basic, call, expectException, expectNoSecretsInLogs, ISO, tokenOf } from './helpers.js';

/** api.md, Conventions: status codes, lists, request ids and the exception JSON on every route. */
describe('conventions', () => {
  let svc: TestService;
  let auth: string;
  const flowIds: number[] = [];
  beforeAll(async () => {
    svc = await testService();
    auth = await adminBearer(svc);
    for (let i = 0; i < 30; i++) {
      const r = await call(svc, auth, 'POST', '/v4/flows', { name: `flow ${i}` });
      flowIds.push(r.json().id);
    }
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [tokenOf(auth)]);
    await svc.close();
  });

  it('create answers 201 with an id, read 200, update 200, delete 204', async () => {
    const made = await call(svc, auth, 'POST', '/v4/flows', { name: 'codes' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ id: expect.any(Number), name: 'codes', description: '' });
    expect(made.json().createdAt).toMatch(ISO);
    expect(made.json().creator).toEqual({ id: 1 });
    const got = await call(svc, auth, 'GET', `/v4/flows/${made.json().id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual(made.json());
    const c = await call(svc, auth, 'POST', '/v4/connections', {
      name: 'duck',
      vendor: 'duckdb',
      params: { path: 'codes.duckdb' },
    });
    expect(c.statusCode).toBe(201);
    const patched = await call(svc, auth, 'PATCH', `/v4/connections/${c.json().id}`, { name: 'duck2' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe('duck2');
    const del = await call(svc, auth, 'DELETE', `/v4/connections/${c.json().id}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
  });

  it('lists answer {data, count}, 25 by default, paged by limit and offset', async () => {
    const all = await call(svc, auth, 'GET', '/v4/flows?limit=1000');
    expect(all.statusCode).toBe(200);
    expect(Object.keys(all.json()).sort()).toEqual(['count', 'data']);
    const count = all.json().count as number;
    expect(count).toBeGreaterThanOrEqual(30);
    expect(all.json().data).toHaveLength(count);

    const first = await call(svc, auth, 'GET', '/v4/flows');
    expect(first.json().data).toHaveLength(25);
    expect(first.json().count).toBe(count);

    const page = await call(svc, auth, 'GET', '/v4/flows?limit=5&offset=3');
    expect(page.json().data.map((f: { id: number }) => f.id)).toEqual(
      all
        .json()
        .data.slice(3, 8)
        .map((f: { id: number }) => f.id),
    );
    expect(page.json().count).toBe(count);
    const past = await call(svc, auth, 'GET', `/v4/flows?offset=${count + 10}`);
    expect(past.json()).toEqual({ data: [], count });
  });

  it('limit above 1000, below 1 or not a number is a 400 naming limit', async () => {
    expectException(await call(svc, auth, 'GET', '/v4/flows?limit=1001'), 400, 'ValidationFailed', 'limit');
    expectException(await call(svc, auth, 'GET', '/v4/flows?limit=0'), 400, 'ValidationFailed', 'limit');
    expectException(await call(svc, auth, 'GET', '/v4/flows?limit=abc'), 400, 'ValidationFailed', 'limit');
    expectException(await call(svc, auth, 'GET', '/v4/flows?offset=-1'), 400, 'ValidationFailed', 'offset');
    expect((await call(svc, auth, 'GET', '/v4/flows?limit=1000')).statusCode).toBe(200);
  });

  it('sort takes id, -id, createdAt, -createdAt and refuses anything else', async () => {
    const ids = async (sort: string) =>
      (await call(svc, auth, 'GET', `/v4/flows?limit=1000&sort=${sort}`))
        .json()
        .data.map((f: { id: number }) => f.id) as number[];
    const asc = await ids('id');
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(asc.length).toBeGreaterThan(1);
    expect(await ids('-id')).toEqual([...asc].reverse());
    const byCreated = (await call(svc, auth, 'GET', '/v4/flows?limit=1000&sort=createdAt')).json().data as {
      createdAt: string;
    }[];
    expect(byCreated.map((f) => f.createdAt)).toEqual(byCreated.map((f) => f.createdAt).sort());
    const byCreatedDesc = (await call(svc, auth, 'GET', '/v4/flows?limit=1000&sort=-createdAt')).json()
      .data as { createdAt: string }[];
    expect(byCreatedDesc.map((f) => f.createdAt)).toEqual(
      byCreatedDesc
        .map((f) => f.createdAt)
        .sort()
        .reverse(),
    );
    expectException(await call(svc, auth, 'GET', '/v4/flows?sort=name'), 400, 'ValidationFailed', 'sort');
  });

  it('every response carries x-request-id; a given one is echoed', async () => {
    const a = await call(svc, auth, 'GET', '/v4/people/current');
    const b = await call(svc, auth, 'GET', '/v4/people/current');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    const given = await call(svc, auth, 'GET', '/v4/people/current', undefined, {
      'x-request-id': 'abc-123',
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    // On errors too: unauthenticated, unknown route, validation.
    for (const r of [
      await call(svc, undefined, 'GET', '/v4/flows', undefined, { 'x-request-id': 'req-401' }),
      await call(svc, auth, 'GET', '/v4/nothing', undefined, { 'x-request-id': 'req-404' }),
      await call(svc, auth, 'GET', '/nothing', undefined, { 'x-request-id': 'req-404b' }),
      await call(svc, auth, 'GET', '/v4/flows?limit=0', undefined, { 'x-request-id': 'req-400' }),
    ]) {
      expect(r.headers['x-request-id']).toMatch(/^req-/);
    }
    // The logs carry the same id.
    expect(svc.logs.some((l) => l.includes('"reqId":"abc-123"'))).toBe(true);
    // A header that is not a plain token is replaced, not echoed.
    const odd = await call(svc, auth, 'GET', '/v4/people/current', undefined, { 'x-request-id': 'a b<c>' });
    expect(odd.headers['x-request-id']).not.toBe('a b<c>');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unknown route is a 404 RouteNotFoundException, with and without credentials', async () => {
    expectException(
      await call(svc, auth, 'GET', '/v4/nothing'),
      404,
      'RouteNotFoundException',
      'GET /v4/nothing',
    );
    expectException(await call(svc, undefined, 'GET', '/nope'), 404, 'RouteNotFoundException');
    expectException(await call(svc, auth, 'DELETE', '/v4/flows'), 404, 'RouteNotFoundException');
  });

  it('a missing id is a 404 DataNotFoundException; a non-numeric id a 400', async () => {
    expectException(await call(svc, auth, 'GET', '/v4/flows/999999'), 404, 'DataNotFoundException', '999999');
    expectException(await call(svc, auth, 'GET', '/v4/flows/abc'), 400, 'ValidationFailed', 'id');
  });

  it('malformed JSON is a 400; an empty JSON body a 400', async () => {
    const bad = await call(svc, auth, 'POST', '/v4/flows', '{"name": ', {
      'content-type': 'application/json',
    });
    expectException(bad, 400, 'ValidationFailed', 'not valid JSON');
    const empty = await call(svc, auth, 'POST', '/v4/flows', '', { 'content-type': 'application/json' });
    expectException(empty, 400, 'ValidationFailed');
  });

  it('a body that is not application/json is a 415 UnsupportedMediaType', async () => {
    const text = await call(svc, auth, 'POST', '/v4/flows', 'name=x', { 'content-type': 'text/plain' });
    expectException(text, 415, 'UnsupportedMediaType', 'application/json');
    const form = await call(svc, auth, 'POST', '/v4/flows', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectException(form, 415, 'UnsupportedMediaType');
    expect(form.headers['x-request-id']).toBeTruthy();
    const charset = await call(svc, auth, 'POST', '/v4/flows', JSON.stringify({ name: 'utf8' }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(charset.statusCode).toBe(201);
  });

  it('a missing field, a wrong type and an unknown field are 400s that name the field', async () => {
    expectException(await call(svc, auth, 'POST', '/v4/flows', {}), 400, 'ValidationFailed', 'name');
    expectException(await call(svc, auth, 'POST', '/v4/flows', { name: 3 }), 400, 'ValidationFailed', 'name');
    expectException(
      await call(svc, auth, 'POST', '/v4/flows', { name: 'x', colour: 'red' }),
      400,
      'ValidationFailed',
      'colour',
    );
  });

  it('the OpenAPI document is served at /docs/json', async () => {
    const doc = await svc.app.inject({ url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().openapi).toBe('3.1.0');
    expect(Object.keys(doc.json().paths)).toContain('/v4/jobGroups/{id}/publish');
  });
});

describe('rate limit (JOBPUB_RATE_LIMIT=5)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await testService({ JOBPUB_RATE_LIMIT: '5' });
  });
  afterAll(() => svc.close());

  it('answers x-rate-limit-* on every call and a 429 with retry-after past the limit', async () => {
    const seen: Record<string, string | number | string[] | undefined>[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(svc, svc.adminAuth, 'GET', '/v4/people/current');
      expect(r.statusCode).toBe(200);
      seen.push(r.headers);
    }
    expect(seen.map((h) => h['x-rate-limit-limit'])).toEqual(['5', '5', '5', '5', '5']);
    expect(seen.map((h) => h['x-rate-limit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
    const reset = Number(seen[0]?.['x-rate-limit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);

    const over = await call(svc, svc.adminAuth, 'GET', '/v4/people/current');
    expectException(over, 429, 'TooManyRequestsException', 'retry in');
    expect(over.headers['x-rate-limit-limit']).toBe('5');
    expect(over.headers['x-rate-limit-remaining']).toBe('0');
    const retry = Number(over.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(over.headers['x-request-id']).toBeTruthy();

    // Another caller has its own window.
    const other = await call(svc, undefined, 'GET', '/v4/people/current');
    expectException(other, 401, 'AuthenticationFailed');
    expect(other.headers['x-rate-limit-remaining']).toBe('4');
  });

  it('counts Basic guesses against the email, so a new password per try does not reset the window', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await call(
        svc,
        basic('victim@jobpub.test', `guess-${i}-xxxxxxxx`),
        'GET',
        '/v4/people/current',
      );
      expectException(r, 401, 'AuthenticationFailed');
    }
    const sixth = await call(
      svc,
      basic('victim@jobpub.test', 'guess-5-xxxxxxxx'),
      'GET',
      '/v4/people/current',
    );
    expectException(sixth, 429, 'TooManyRequestsException');
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    // Another account is not held back by it.
    const other = await call(
      svc,
      basic('other@jobpub.test', 'guess-0-xxxxxxxx'),
      'GET',
      '/v4/people/current',
    );
    expectException(other, 401, 'AuthenticationFailed');
  });
});
