import { afterEach, describe, expect, it } from 'vitest';
import { type TargetContext, VENDORS } from '../../../src/connections/vendors.js';
import { ERRORS, isJobpubError } from '../../../src/errors/index.js';
import type { S3ConnectionConfig } from '../../../src/storage/s3/config.js';
import { parseTargetUrl } from '../../../src/targets/url.js';

/**
 * s3a:// Hive staging in the configuration: the API vendor `hive` (params.stagingConnection, an `s3`
 * connection resolved like Redshift's s3Connection) and the CLI URL (`staging=s3a://…` with s3_* params).
 */
const S3: S3ConnectionConfig = {
  bucket: 'stage-bucket',
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:5005',
  forcePathStyle: true,
  prefix: 'hive',
  credentials: { accessKeyId: 'AKIA_TEST', secretAccessKey: 'secret' },
};

const asked: number[] = [];
const ctx: TargetContext = {
  dataDir: '/srv/jobpub',
  storage: async (id) => {
    asked.push(id);
    return S3;
  },
};
afterEach(() => {
  asked.length = 0;
});

const conn = (params: Record<string, unknown>) => ({
  host: 'hive.example',
  port: 10000,
  ssl: false,
  params: { database: 'sales', transport: 'binary', auth: 'NONE', ...params },
  credentials: [],
});

async function refusal(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(isJobpubError(e)).toBe(true);
  return e as { code: keyof typeof ERRORS; message: string };
}

describe('vendor hive: s3a:// staging', () => {
  it('s3a:// without stagingConnection is a 400 (VALIDATION)', async () => {
    const e = await refusal(
      Promise.resolve(VENDORS.hive!.toTarget!(conn({ stagingUri: 's3a://stage-bucket/hive/st' }), ctx)),
    );
    expect(e.code).toBe('VALIDATION');
    expect(ERRORS[e.code].status).toBe(400);
    expect(e.message).toMatch(/params\.stagingConnection .* is required when params\.stagingUri is s3a:\/\//);
    expect(asked).toEqual([]);
  });

  it('stagingConnection with a file:// stagingUri is refused', async () => {
    const e = await refusal(
      Promise.resolve(
        VENDORS.hive!.toTarget!(
          conn({ stagingUri: 'file:///srv/jobpub/staging', stagingConnection: { id: 4 } }),
          ctx,
        ),
      ),
    );
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/only for an s3a:\/\//);
  });

  it('s3a:// with stagingConnection: the s3 connection becomes stagingS3', async () => {
    const t = await VENDORS.hive!.toTarget!(
      conn({ stagingUri: 's3a://stage-bucket/hive/st', stagingConnection: { id: 4 } }),
      ctx,
    );
    expect(asked).toEqual([4]);
    expect(t).toEqual({
      kind: 'hive',
      host: 'hive.example',
      port: 10000,
      database: 'sales',
      user: 'jobpub',
      password: undefined,
      transport: 'binary',
      auth: 'NONE',
      stagingUri: 's3a://stage-bucket/hive/st',
      stagingS3: S3,
    });
    expect(
      VENDORS.hive!.params.safeParse(conn({ stagingUri: 's3a://b/p', stagingConnection: { id: 0 } }).params)
        .success,
    ).toBe(false);
  });

  it('s3a:// outside the s3 connection bucket or prefix is refused', async () => {
    for (const stagingUri of ['s3a://other-bucket/hive/st', 's3a://stage-bucket/elsewhere']) {
      const e = await refusal(
        Promise.resolve(VENDORS.hive!.toTarget!(conn({ stagingUri, stagingConnection: { id: 4 } }), ctx)),
      );
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toMatch(/the connection is limited to/);
    }
  });

  it('file:// needs no stagingConnection and gets no stagingS3', async () => {
    const t = await VENDORS.hive!.toTarget!(conn({ stagingUri: 'file:///srv/jobpub/staging' }), ctx);
    expect(t).not.toHaveProperty('stagingS3');
    expect(asked).toEqual([]);
  });
});

describe('CLI URL hive://…?staging=s3a://', () => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  afterEach(() => {
    for (const [k, v] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('takes the S3 settings from s3_* params and the keys from the environment', () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIA_ENV';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    const t = parseTargetUrl(
      'hive://h:10000/sales?staging=s3a://stage-bucket/hive/st&s3_endpoint=http://127.0.0.1:5005&s3_path_style=true&s3_region=eu-west-1',
    );
    expect(t).toMatchObject({
      kind: 'hive',
      database: 'sales',
      stagingUri: 's3a://stage-bucket/hive/st',
      stagingS3: {
        bucket: 'stage-bucket',
        region: 'eu-west-1',
        endpoint: 'http://127.0.0.1:5005',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIA_ENV', secretAccessKey: 'env-secret' },
      },
    });
  });

  it('without keys: the SDK default chain (iamRole); region us-east-1, virtual-host style', () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const t = parseTargetUrl('hive://h/sales?staging=s3a://stage-bucket/st');
    expect(t).toMatchObject({
      stagingS3: { bucket: 'stage-bucket', region: 'us-east-1', credentials: 'iamRole' },
    });
    expect((t as { stagingS3: S3ConnectionConfig }).stagingS3).not.toHaveProperty('forcePathStyle');
    expect(t).not.toHaveProperty('stagingS3.endpoint');
  });

  it('file:// staging gets no S3 settings', () => {
    expect(parseTargetUrl('hive://h/sales?staging=file:///tmp/st')).not.toHaveProperty('stagingS3');
  });
});
