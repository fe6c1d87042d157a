import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTargetUrl } from '../../src/targets/url.js';
import { endpoint, ensureMoto, freshBucket, motoClient } from '../storage/s3/moto.js';
import { type TestService, testService } from '../support/service.js';
import { call, expectException, jobGroup, PQT, postgresBody } from './helpers.js';

/**
 * The `redshift` vendor over the API. No Redshift runs here (docs/targets/redshift.md): the connection is
 * pointed at the local PostgreSQL, which speaks the same protocol, so a dry run can describe and plan.
 */
describe('redshift connections', () => {
  let svc: TestService;
  let bucket: string;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let s3Conn: number;

  const redshiftBody = (s3Id: number, over: Record<string, unknown> = {}) => ({
    name: 'rs',
    vendor: 'redshift',
    type: 'jdbc',
    host: '127.0.0.1',
    port: 5432,
    params: {
      database: 'test',
      s3Connection: { id: s3Id },
      iamRoleArn: 'arn:aws:iam::123456789012:role/Loader',
    },
    credentialType: 'basic',
    credentials: [{ username: 'postgres', password: 'rs-Secr3t-never-shown' }],
    ...over,
  });

  beforeAll(async () => {
    await ensureMoto();
    bucket = await freshBucket(await motoClient(), 'rs');
    svc = await testService();
    alice = await svc.person('alice@rs.test');
    bob = await svc.person('bob@rs.test');
    const c = await call(svc, alice.auth, 'POST', '/v4/connections', {
      name: 'staging',
      vendor: 's3',
      params: { bucket, region: 'us-east-1', endpoint: endpoint(), forcePathStyle: true, prefix: 'rs' },
      credentialType: 'awsKeySecret',
      credentials: [{ accessKeyId: 'k', secretAccessKey: 'rs-s3-Secr3t-never-shown' }],
    });
    expect(c.statusCode, c.body).toBe(201);
    s3Conn = c.json().id;
  });
  afterAll(() => svc.close());

  it('takes an s3Connection the caller may use, and refuses one that is missing, not theirs or not s3', async () => {
    const ok = await call(svc, alice.auth, 'POST', '/v4/connections', redshiftBody(s3Conn));
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ vendor: 'redshift', port: 5432, hasCredentials: true });
    expect(ok.body).not.toContain('Secr3t');

    expectException(
      await call(svc, alice.auth, 'POST', '/v4/connections', redshiftBody(99999)),
      400,
      'ValidationFailed',
      /connection 99999 does not exist/,
    );
    expectException(
      await call(svc, bob.auth, 'POST', '/v4/connections', redshiftBody(s3Conn)),
      403,
      'AccessControlException',
      /not shared with you/,
    );
    const pg = await call(svc, alice.auth, 'POST', '/v4/connections', postgresBody());
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/connections', redshiftBody(pg.json().id)),
      400,
      'ValidationFailed',
      /not a storage connection/,
    );
    const noS3 = redshiftBody(s3Conn);
    noS3.params = { database: 'test' } as typeof noS3.params;
    expectException(
      await call(svc, alice.auth, 'POST', '/v4/connections', noS3),
      400,
      'ValidationFailed',
      /s3Connection/,
    );
  });

  it('plans a publish (dry run): staging through S3 and one COPY … MANIFEST, columns in Redshift types', async () => {
    const rs = await call(svc, alice.auth, 'POST', '/v4/connections', redshiftBody(s3Conn, { name: 'rs2' }));
    const g = await jobGroup(svc, alice.auth, [PQT]);
    const r = await call(svc, alice.auth, 'PUT', `/v4/jobGroups/${g.id}/publish?dryRun=true`, {
      connection: { id: rs.json().id },
      path: ['public'],
      table: 'Orders',
      action: 'createAndLoad',
      inputFormat: 'pqt',
      flowNodeId: g.recipeId,
    });
    expect(r.statusCode, r.body).toBe(200);
    const plan = r.json().plan;
    expect(String(plan.loadMethod)).toMatch(/COPY/);
    expect(String(plan.loadMethod)).toMatch(/PARQUET/i);
    const types = Object.fromEntries(
      plan.columns.map((c: { name: string; sqlType: string }) => [c.name, c.sqlType]),
    );
    expect(types.s).toBe('varchar(65535)');
    expect(types.l).toBe('bigint');
    expect(plan.steps.map((s: { sql?: string }) => s.sql ?? '').join('\n')).not.toMatch(/TRUNCATE/i);
    // Nothing was enqueued.
    expect((await call(svc, alice.auth, 'GET', `/v4/jobGroups/${g.id}/jobs`)).json().count).toBe(0);
  });

  it('parses the CLI target URL', () => {
    const c = parseTargetUrl(
      'redshift://loader:pw@cluster.example.com/dev?staging=s3://stage-bucket/jobs&iam_role=arn:aws:iam::1:role/R&region=eu-west-1',
    );
    expect(c).toMatchObject({
      kind: 'redshift',
      host: 'cluster.example.com',
      port: 5439,
      database: 'dev',
      user: 'loader',
      password: 'pw',
      iamRoleArn: 'arn:aws:iam::1:role/R',
      region: 'eu-west-1',
      stagingUri: 's3://stage-bucket/jobs',
      s3: { bucket: 'stage-bucket', region: 'eu-west-1' },
    });
    expect(() => parseTargetUrl('redshift://u:p@h/dev')).toThrow(/staging=s3:\/\//);
  });
});
