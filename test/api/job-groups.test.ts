import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_ROOT, type TestService, testService } from '../support/service.js';
import {
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  fixture,
  fixtureDir,
  ISO,
  jobGroup,
  PQT,
  personPassword,
  publishBody,
  recipe,
  tokenOf,
} from './helpers.js';

interface Case {
  schema: { name: string; type: string; nullable: boolean }[];
  rowCount: number;
  files: string[];
}
const golden = (rel: string): Case =>
  JSON.parse(readFileSync(path.join(FIXTURES_ROOT, `${rel}.case.json`), 'utf8'));
const fileUrls = (dir: string, files: string[]) =>
  files.map((f) => pathToFileURL(path.join(FIXTURES_ROOT, dir, f)).href);

/** api.md, Job groups: registration of results made elsewhere, and the job group routes. */
describe('job groups', () => {
  let svc: TestService;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let recipeId: number;
  let outside: string;
  beforeAll(async () => {
    svc = await testService();
    alice = await svc.person('alice@jobpub.test');
    bob = await svc.person('bob@jobpub.test');
    recipeId = await recipe(svc, alice.auth);
    outside = mkdtempSync(path.join(tmpdir(), 'jobpub-outside-'));
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [
      personPassword('alice@jobpub.test'),
      personPassword('bob@jobpub.test'),
      tokenOf(alice.auth),
      tokenOf(bob.auth),
    ]);
    await svc.close();
    rmSync(outside, { recursive: true, force: true });
  });

  const register = (results: unknown[], auth = alice.auth, wd = recipeId) =>
    call(svc, auth, 'POST', '/v4/jobGroups', { wrangledDataset: { id: wd }, results });

  it('registers results in every format: 201 Complete with rowCount, schema and files of each', async () => {
    const r = await register([
      { format: 'pqt', uri: fixtureDir('pqt/parts') },
      { format: 'avro', uri: fixture('avro/types.avro') },
      { format: 'csv', uri: fixture('csv/no_header.csv'), header: false },
      { format: 'json', uri: fixture('json/basic_lines.json') },
    ]);
    expect(r.statusCode, r.body).toBe(201);
    const g = r.json();
    expect(g).toMatchObject({
      status: 'Complete',
      wrangledDataset: { id: recipeId },
      creator: { id: alice.id },
    });
    expect(g.createdAt).toMatch(ISO);
    expect(g.results).toHaveLength(4);
    const expected = [
      ['pqt', 'pqt/parts', ''],
      ['avro', 'avro/types', ''],
      ['csv', 'csv/no_header', ''],
      ['json', 'json/basic_lines', ''],
    ] as const;
    for (const [i, [format, rel]] of expected.entries()) {
      const c = golden(rel);
      const res = g.results[i];
      expect(res.format).toBe(format);
      expect(res.rowCount).toBe(c.rowCount);
      expect(res.schema).toEqual(c.schema);
      expect(res.files).toEqual(fileUrls(path.dirname(rel), c.files));
      expect(res.connection).toBeNull();
    }
    expect(g.results[0].uri).toBe(fixtureDir('pqt/parts'));
    expect(g.results[2].header).toBe(false);
    // The _SUCCESS marker and the dot-file beside the parts are not results.
    expect(g.results[0].files.join()).not.toMatch(/_SUCCESS|\.crc/);
  });

  it('keeps a csv delimiter and reads with it', async () => {
    const r = await register([{ format: 'csv', uri: fixture('csv/semicolon.csv'), delimiter: ';' }]);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().results[0]).toMatchObject({ delimiter: ';', rowCount: golden('csv/semicolon').rowCount });
    expect(r.json().results[0].schema).toEqual(golden('csv/semicolon').schema);
  });

  it('refuses results it could not publish, with a 400 naming the file and the problem', async () => {
    const cases: [unknown, (string | RegExp)[]][] = [
      [{ format: 'pqt', uri: fixture('pqt/missing.parquet') }, ['missing.parquet', /no such file/]],
      [{ format: 'pqt', uri: fixtureDir('pqt/empty') }, ['empty', /no part files/]],
      [{ format: 'pqt', uri: fixture('pqt/bad_magic.parquet') }, ['bad_magic.parquet', 'magic bytes PAR1']],
      [{ format: 'pqt', uri: fixture('csv/types.csv') }, ['types.csv', /magic/]],
      [{ format: 'avro', uri: fixture('avro/bad_magic.avro') }, ['bad_magic.avro']],
      [{ format: 'pqt', uri: fixtureDir('pqt/mismatch') }, ['part-0000', 'id']],
      [{ format: 'pqt', uri: 'file:///etc/passwd' }, ['/etc/passwd', /outside the storage roots/]],
      [{ format: 'pqt', uri: 'file:///etc/' }, [/outside the storage roots/]],
      [{ format: 'csv', uri: `${fixture('csv')}/../../../package.json` }, [/outside the storage roots/]],
      [
        { format: 'csv', uri: `${fixture('csv')}/%2e%2e/%2e%2e/%2e%2e/package.json` },
        [/outside the storage roots/],
      ],
      [{ format: 'pqt', uri: 's3://bucket/results/orders.parquet' }, ['s3://', /needs "connection"/]],
      [{ format: 'pqt', uri: 'http://example.com/x.parquet' }, [/file:\/\/\//]],
      [{ format: 'pqt', uri: 'file://otherhost/srv/x.parquet' }, [/file:\/\/\//]],
      [{ format: 'pqt', uri: 'orders.parquet' }, [/not a URI/]],
      [{ format: 'pqt', uri: PQT.uri, connection: { id: 1 } }, [/connection/]],
      [{ format: 'xlsx', uri: PQT.uri }, ['format', /pqt, avro, csv, json/]],
      [{ format: 'pqt' }, ['uri']],
      [{ format: 'csv', uri: fixture('csv/types.csv'), delimiter: ';;' }, ['delimiter']],
    ];
    for (const [result, words] of cases) {
      const r = await register([result]);
      const details = expectException(r, 400, 'ValidationFailed');
      for (const w of words) {
        if (typeof w === 'string') expect(details, JSON.stringify(result)).toContain(w);
        else expect(details, JSON.stringify(result)).toMatch(w);
      }
    }
    // Nothing was registered by the refusals.
    const before = (await call(svc, alice.auth, 'GET', '/v4/jobGroups?limit=1000')).json().count;
    expectException(await register([{ format: 'pqt', uri: 'file:///etc/passwd' }]), 400, 'ValidationFailed');
    expect((await call(svc, alice.auth, 'GET', '/v4/jobGroups?limit=1000')).json().count).toBe(before);
  });

  it('refuses a symbolic link inside a root that points outside the roots', async () => {
    const results = path.join(svc.dataDir, 'results');
    mkdirSync(results, { recursive: true });
    copyFileSync(path.join(FIXTURES_ROOT, 'pqt/codec_snappy.parquet'), path.join(outside, 'secret.parquet'));
    symlinkSync(path.join(outside, 'secret.parquet'), path.join(results, 'link.parquet'));
    symlinkSync(outside, path.join(results, 'linkdir'));
    mkdirSync(path.join(results, 'parts'));
    copyFileSync(
      path.join(FIXTURES_ROOT, 'pqt/parts/part-00000.parquet'),
      path.join(results, 'parts/part-00000.parquet'),
    );
    symlinkSync(path.join(outside, 'secret.parquet'), path.join(results, 'parts/part-00001.parquet'));
    for (const uri of [
      pathToFileURL(path.join(results, 'link.parquet')).href,
      `${pathToFileURL(path.join(results, 'linkdir')).href}/`,
      pathToFileURL(path.join(results, 'linkdir/secret.parquet')).href,
      `${pathToFileURL(path.join(results, 'parts')).href}/`,
    ]) {
      const r = await register([{ format: 'pqt', uri }]);
      expectException(r, 400, 'ValidationFailed', /outside the storage roots/);
    }
    // A plain file under <dataDir>/results is fine.
    copyFileSync(path.join(FIXTURES_ROOT, 'pqt/codec_snappy.parquet'), path.join(results, 'plain.parquet'));
    const ok = await register([
      { format: 'pqt', uri: pathToFileURL(path.join(results, 'plain.parquet')).href },
    ]);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().results[0].rowCount).toBe(40);
  });

  it('refuses two results of one format, a missing or foreign recipe, and no results', async () => {
    expectException(
      await register([PQT, { format: 'pqt', uri: fixtureDir('pqt/parts') }]),
      400,
      'ValidationFailed',
      /two results in format pqt/,
    );
    expectException(await register([]), 400, 'ValidationFailed', 'results');
    expectException(
      await register([PQT], alice.auth, 99999),
      400,
      'ValidationFailed',
      'wrangledDataset 99999',
    );
    expectException(await register([PQT], bob.auth), 403, 'AccessControlException', 'wrangledDataset');
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/jobGroups', { results: [PQT] }),
      400,
      'ValidationFailed',
      'wrangledDataset',
    );
  });

  it('GET embeds jobs and wrangledDataset on request; an unknown association is a 400', async () => {
    const g = await jobGroup(svc, alice.auth);
    const plain = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}`);
    expect(plain.statusCode).toBe(200);
    expect(plain.json()).toEqual(g.body);
    expect(plain.json()).not.toHaveProperty('jobs');
    expect(plain.json().wrangledDataset).toEqual({ id: g.recipeId });

    const both = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}?embed=jobs,wrangledDataset`);
    expect(both.statusCode).toBe(200);
    expect(both.json().jobs).toEqual([]);
    expect(both.json().wrangledDataset).toMatchObject({
      id: g.recipeId,
      name: 'orders',
      creator: { id: alice.id },
    });
    const jobsOnly = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}?embed=jobs`);
    expect(jobsOnly.json().wrangledDataset).toEqual({ id: g.recipeId });
    expect(jobsOnly.json().jobs).toEqual([]);
    for (const e of ['flow', 'jobs,creator', 'JOBS']) {
      expectException(
        await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}?embed=${e}`),
        400,
        'ValidationFailed',
        'embed',
      );
    }
  });

  it('status is a bare JSON string; outputs are its results', async () => {
    const g = await jobGroup(svc, alice.auth);
    const s = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/status`);
    expect(s.statusCode).toBe(200);
    expect(s.headers['content-type']).toMatch(/^application\/json/);
    expect(s.body).toBe('"Complete"');
    const o = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/outputs`);
    expect(o.statusCode).toBe(200);
    expect(o.json()).toEqual({ data: g.body.results, count: 1 });
  });

  it('jobs lists its publish jobs oldest first, publications newest first', async () => {
    const g = await jobGroup(svc, alice.auth);
    const conn = await duckdbConnection(svc, alice.auth);
    const sessions: string[] = [];
    for (const table of ['one', 'two', 'three']) {
      const r = await call(
        svc,
        alice.auth,
        'PUT',
        `/v4/jobGroups/${g.id}/publish`,
        publishBody(g, conn, { table }),
      );
      expect(r.statusCode, r.body).toBe(200);
      sessions.push(r.json().sessionId);
    }
    const jobs = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`);
    expect(jobs.statusCode).toBe(200);
    expect(jobs.json().count).toBe(3);
    expect(jobs.json().data.map((j: { sessionId: string }) => j.sessionId)).toEqual(sessions);
    expect(jobs.json().data.map((j: { table: string }) => j.table)).toEqual(['one', 'two', 'three']);
    const pubs = await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/publications`);
    expect(pubs.json().data.map((j: { sessionId: string }) => j.sessionId)).toEqual([...sessions].reverse());
    const ids = pubs.json().data.map((j: { id: number }) => j.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
    for (const j of jobs.json().data) expect(j).toMatchObject({ jobType: 'publish', jobGroup: { id: g.id } });
    // The job group itself stays Complete.
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/status`)).body).toBe('"Complete"');
    // With a publish queued, the job group cannot be deleted.
    expectException(await call(svc, alice.auth, 'DELETE', `/v4/jobGroups/${g.id}`), 409, 'Conflict');
    for (const j of jobs.json().data) await call(svc, alice.auth, 'POST', `/v4/jobs/${j.id}/cancel`);
    expect((await call(svc, alice.auth, 'DELETE', `/v4/jobGroups/${g.id}`)).statusCode).toBe(204);
  });

  it('lists job groups: own for a user, all for an admin', async () => {
    const mine = await jobGroup(svc, bob.auth);
    const bobs = await call(svc, bob.auth, 'GET', '/v4/jobGroups?limit=1000');
    expect(bobs.statusCode).toBe(200);
    expect(bobs.json().data.map((g: { id: number }) => g.id)).toEqual([mine.id]);
    expect(bobs.json().count).toBe(1);
    const all = await call(svc, svc.adminAuth, 'GET', '/v4/jobGroups?limit=1000&sort=-id');
    expect(all.json().data[0].id).toBe(mine.id);
    expect(all.json().count).toBeGreaterThan(3);
  });

  it('DELETE answers 204; every route of it then answers 410', async () => {
    const g = await jobGroup(svc, alice.auth);
    const conn = await duckdbConnection(svc, alice.auth, {}, 'gone.duckdb');
    const del = await call(svc, alice.auth, 'DELETE', `/v4/jobGroups/${g.id}`);
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    for (const [method, url, body] of [
      ['GET', `/v4/jobGroups/${g.id}`, undefined],
      ['GET', `/v4/jobGroups/${g.id}?embed=jobs`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/status`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/jobs`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/outputs`, undefined],
      ['GET', `/v4/jobGroups/${g.id}/publications`, undefined],
      ['DELETE', `/v4/jobGroups/${g.id}`, undefined],
      ['PUT', `/v4/jobGroups/${g.id}/publish`, publishBody(g, conn)],
      ['PUT', `/v4/jobGroups/${g.id}/publish?dryRun=true`, publishBody(g, conn)],
    ] as const) {
      expectException(await call(svc, alice.auth, method, url, body), 410, 'Gone', `jobGroup ${g.id}`);
    }
    const list = await call(svc, alice.auth, 'GET', '/v4/jobGroups?limit=1000');
    expect(list.json().data.map((x: { id: number }) => x.id)).not.toContain(g.id);
  });

  it('another user’s job group is a 404 on every route; a missing one too', async () => {
    const g = await jobGroup(svc, alice.auth);
    const bobConn = await duckdbConnection(svc, bob.auth, {}, 'bob.duckdb');
    for (const id of [g.id, 99999]) {
      for (const [method, url, body] of [
        ['GET', `/v4/jobGroups/${id}`, undefined],
        ['GET', `/v4/jobGroups/${id}/status`, undefined],
        ['GET', `/v4/jobGroups/${id}/jobs`, undefined],
        ['GET', `/v4/jobGroups/${id}/outputs`, undefined],
        ['GET', `/v4/jobGroups/${id}/publications`, undefined],
        ['DELETE', `/v4/jobGroups/${id}`, undefined],
        ['PUT', `/v4/jobGroups/${id}/publish`, publishBody(g, bobConn)],
      ] as const) {
        expectException(
          await call(svc, bob.auth, method, url, body),
          404,
          'DataNotFoundException',
          `jobGroup ${id}`,
        );
      }
    }
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}`)).statusCode).toBe(200);
  });
});
