import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobpubError } from '../../../src/errors/index.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { s3Source } from '../../../src/storage/s3/source.js';
import { collect, endpoint, ensureMoto, freshBucket, motoClient, putAll, stopMoto } from './moto.js';

/**
 * Real credential checks. moto accepts any keys until IAM authentication is switched on (the
 * INITIAL_NO_AUTH_ACTION_COUNT setting, here through its /moto-api/reset-auth endpoint): then every
 * request must be signed (SigV4) with keys of an IAM user moto knows, and that user's policies decide.
 * This suite uses its own moto server (S3_AUTH_PORT, default 5006) so switching auth on does not disturb
 * the suites sharing the default one.
 */
const PORT = Number(process.env.S3_AUTH_PORT ?? 5006);
let startedHere = false;
let admin: S3Client;
let allowed: string; // the bucket the reader's policy grants
let forbidden: string; // a bucket it does not
let reader: { accessKeyId: string; secretAccessKey: string };

async function setAuth(count: 'inf' | '0') {
  const res = await fetch(`${endpoint(PORT)}/moto-api/reset-auth`, { method: 'POST', body: count });
  expect(res.status).toBe(200);
}

/** An IAM Query API call. Auth is still off, so moto reads the service from the credential scope only. */
async function iam(params: Record<string, string>): Promise<string> {
  const res = await fetch(`${endpoint(PORT)}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=setup/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';

beforeAll(async () => {
  startedHere = await ensureMoto(PORT);
  await setAuth('inf'); // a server left with auth on by an earlier, interrupted run
  admin = await motoClient({}, PORT);
  allowed = await freshBucket(admin, 'auth-ok');
  forbidden = await freshBucket(admin, 'auth-no');
  await putAll(admin, allowed, [{ key: 'results/part-0.csv', body: 'a\n1\n' }]);
  await putAll(admin, forbidden, [{ key: 'results/part-0.csv', body: 'a\n2\n' }]);
  const user = `reader-${allowed}`;
  await iam({ Action: 'CreateUser', UserName: user });
  await iam({
    Action: 'PutUserPolicy',
    UserName: user,
    PolicyName: 'read-one-bucket',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          // AWS's action names, and moto 5.2's: it checks the operation's name (s3:ListObjectsV2,
          // s3:HeadObject) where AWS checks s3:ListBucket and s3:GetObject.
          Action: ['s3:GetObject', 's3:ListBucket', 's3:ListObjectsV2', 's3:HeadObject'],
          Resource: [`arn:aws:s3:::${allowed}`, `arn:aws:s3:::${allowed}/*`],
        },
      ],
    }),
  });
  const key = await iam({ Action: 'CreateAccessKey', UserName: user });
  reader = { accessKeyId: tag(key, 'AccessKeyId'), secretAccessKey: tag(key, 'SecretAccessKey') };
  expect(reader.accessKeyId).toMatch(/^AKIA/);
  expect(reader.secretAccessKey.length).toBeGreaterThan(20);
  await setAuth('0'); // from now on every request is authenticated and authorized
});

afterAll(async () => {
  admin?.destroy();
  await setAuth('inf').catch(() => undefined);
  if (startedHere) stopMoto(PORT);
});

const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as JobpubError,
  );

describe('S3 credentials, checked by moto with IAM auth on', () => {
  it("the reader's keys list and read the bucket its policy allows", async () => {
    const c = await motoClient({ credentials: reader }, PORT);
    const parts = await listS3Parts(c, { bucket: allowed, key: 'results/' });
    expect(parts.map((p) => [p.name, p.size])).toEqual([[`s3://${allowed}/results/part-0.csv`, 4]]);
    expect((await collect(parts[0]!.stream())).toString()).toBe('a\n1\n');
    c.destroy();
  });

  it('another bucket: AccessDenied, naming bucket and key', async () => {
    const c = await motoClient({ credentials: reader }, PORT);
    const listed = await fail(listS3Parts(c, { bucket: forbidden, key: 'results/' }));
    expect(listed.code).toBe('STORAGE_REFUSED');
    expect(listed.terminal).toBe(true);
    expect(listed.message).toBe(
      `access denied to s3://${forbidden}/results/ (check the connection's keys) [AccessDenied]`,
    );
    const read = await fail(s3Source(c, { bucket: forbidden, key: 'results/part-0.csv' }));
    expect(read.code).toBe('STORAGE_REFUSED');
    // HEAD answers have no body, so S3 (and moto) give only the status: 403 Forbidden.
    expect(read.message).toBe(
      `access denied to s3://${forbidden}/results/part-0.csv (check the connection's keys) [Forbidden]`,
    );
    c.destroy();
  });

  it('an unknown access key: InvalidAccessKeyId, and the secret is never in the error', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRET';
    const c = await motoClient(
      { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: secret } },
      PORT,
    );
    const err = await fail(listS3Parts(c, { bucket: allowed, key: 'results/' }));
    c.destroy();
    expect(err.code).toBe('STORAGE_REFUSED');
    expect(err.message).toBe(
      `access denied to s3://${allowed}/results/ (check the connection's keys) [InvalidAccessKeyId]`,
    );
    expect(JSON.stringify({ message: err.message, location: err.location, stack: err.stack })).not.toContain(
      secret,
    );
  });

  it('the right key with a wrong secret: SignatureDoesNotMatch', async () => {
    const wrong = `${reader.secretAccessKey.slice(0, -4)}XXXX`;
    const c = await motoClient(
      { credentials: { accessKeyId: reader.accessKeyId, secretAccessKey: wrong } },
      PORT,
    );
    const err = await fail(listS3Parts(c, { bucket: allowed, key: 'results/' }));
    c.destroy();
    expect(err.code).toBe('STORAGE_REFUSED');
    expect(err.message).toBe(
      `access denied to s3://${allowed}/results/ (check the connection's keys) [SignatureDoesNotMatch]`,
    );
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(reader.secretAccessKey);
  });
});
