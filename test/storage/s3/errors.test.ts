import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type JobpubError } from '../../../src/errors/index.js';
import { createS3Client, s3ClientConfig } from '../../../src/storage/s3/client.js';
import { checkLocationAllowed, parseS3Uri } from '../../../src/storage/s3/config.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { headObject, s3Source } from '../../../src/storage/s3/source.js';
import { ensureMoto, freshBucket, motoClient, motoConfig, putAll } from './moto.js';

let client: S3Client;

beforeAll(async () => {
  await ensureMoto();
  client = await motoClient();
});
afterAll(() => client?.destroy());

const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as JobpubError,
  );

describe('S3 failures name the bucket and the key', () => {
  it('a missing bucket', async () => {
    const bucket = 'jobpub-no-such-bucket-7f3a';
    const listed = await fail(listS3Parts(client, { bucket, key: 'results/orders/' }));
    expect(listed.code).toBe('RESULTS_NOT_FOUND');
    expect(listed.message).toBe(`s3://${bucket}/results/orders/: no such bucket "${bucket}"`);
    // A key that is no object is tried as a prefix; the listing then tells the bucket is missing.
    const single = await fail(listS3Parts(client, { bucket, key: 'results/orders.avro' }));
    expect(single.message).toBe(`s3://${bucket}/results/orders.avro: no such bucket "${bucket}"`);
    // HEAD answers carry no error code: the bucket is checked to tell the two 404s apart.
    const opened = await fail(s3Source(client, { bucket, key: 'results/orders.avro' }));
    expect(opened.code).toBe('RESULTS_NOT_FOUND');
    expect(opened.message).toBe(`s3://${bucket}/results/orders.avro: no such bucket "${bucket}"`);
    expect(opened.location.file).toBe(`s3://${bucket}/results/orders.avro`);
  });

  it('a missing key, an empty prefix, a prefix of ignored files only', async () => {
    const bucket = await freshBucket(client, 'missing');
    await putAll(client, bucket, [
      { key: 'other/part-0.csv', body: 'a\n' },
      { key: 'done/_SUCCESS', body: '' },
      { key: 'done/.part-0.crc', body: '' },
    ]);
    const head = await fail(headObject(client, { bucket, key: 'results/orders.avro' }));
    expect(head.code).toBe('RESULTS_NOT_FOUND');
    expect(head.message).toBe(
      `s3://${bucket}/results/orders.avro: no such object (key "results/orders.avro" in bucket "${bucket}")`,
    );
    const none = await fail(listS3Parts(client, { bucket, key: 'results/orders.avro' }));
    expect(none.code).toBe('RESULTS_NOT_FOUND');
    expect(none.message).toBe(
      `s3://${bucket}/results/orders.avro: no such object, and no object under the prefix "results/orders.avro/" of bucket "${bucket}"`,
    );
    const emptyPrefix = await fail(listS3Parts(client, { bucket, key: 'results/' }));
    expect(emptyPrefix.code).toBe('RESULTS_NOT_FOUND');
    expect(emptyPrefix.message).toBe(
      `s3://${bucket}/results/: no such object, and no object under the prefix "results/" of bucket "${bucket}"`,
    );
    const ignored = await fail(listS3Parts(client, { bucket, key: 'done' }));
    expect(ignored.code).toBe('RESULTS_EMPTY');
    expect(ignored.message).toBe(
      `s3://${bucket}/done/: the prefix holds no part files (names starting with _ or . are ignored)`,
    );
  });

  it('an object deleted after it was listed', async () => {
    const bucket = await freshBucket(client, 'deleted');
    await putAll(client, bucket, [{ key: 'r/part-0.json', body: '{"a":1}\n' }]);
    const [part] = await listS3Parts(client, { bucket, key: 'r/' });
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'r/part-0.json' }));
    const err = await fail(part!.read(0, 4));
    expect(err.code).toBe('RESULTS_NOT_FOUND');
    expect(err.message).toBe(
      `s3://${bucket}/r/part-0.json: no such object (key "r/part-0.json" in bucket "${bucket}")`,
    );
  });

  it('an endpoint that does not answer: transient, retried by the job, names the object', async () => {
    const dead = await createS3Client(motoConfig({ endpoint: 'http://127.0.0.1:9' })); // discard port: closed
    const err = await fail(listS3Parts(dead, { bucket: 'jobpub-any', key: 'r/part-0.csv' }));
    dead.destroy();
    expect(err.code).toBe('STORAGE_UNAVAILABLE');
    expect(err.terminal).toBe(false);
    expect(ERRORS.STORAGE_UNAVAILABLE.status).toBe(503);
    expect(err.message).toBe(
      's3://jobpub-any/r/part-0.csv: S3 could not be reached or failed while reading the object size (HEAD) [ECONNREFUSED]; it may be retried',
    );
  });
});

describe('S3 URIs and connection settings', () => {
  it('parses s3:// URIs and refuses malformed ones clearly', () => {
    expect(parseS3Uri('s3://my-bucket/results/orders/')).toEqual({
      bucket: 'my-bucket',
      key: 'results/orders/',
    });
    expect(parseS3Uri('s3://my.bucket/a.avro')).toEqual({ bucket: 'my.bucket', key: 'a.avro' });
    expect(parseS3Uri('s3a://my-bucket/x')).toEqual({ bucket: 'my-bucket', key: 'x' });
    expect(parseS3Uri('s3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' });
    expect(() => parseS3Uri('https://my-bucket/x')).toThrow(
      '"https://my-bucket/x" is not an S3 URI: write s3://bucket/key or s3://bucket/prefix/',
    );
    expect(() => parseS3Uri('s3:///x')).toThrow('"s3:///x": "" is not a valid bucket name');
    expect(() => parseS3Uri('s3://My_Bucket/x')).toThrow(
      '"s3://My_Bucket/x": "My_Bucket" is not a valid bucket name',
    );
    expect(() => parseS3Uri('s3://bucket/a//b')).toThrow(
      '"s3://bucket/a//b": the key holds an empty path segment',
    );
    expect(() => parseS3Uri('s3://bucket/x?versionId=3')).toThrow('is not an S3 URI');
  });

  it("keeps a connection's results inside its bucket and prefix (a folder, not a string prefix)", () => {
    const config = motoConfig({ bucket: 'data', prefix: 'results' });
    expect(() => checkLocationAllowed(config, { bucket: 'data', key: 'results/orders/' })).not.toThrow();
    expect(() => checkLocationAllowed(config, { bucket: 'other', key: 'results/x' })).toThrow(
      's3://other/results/x: the connection is limited to bucket "data"',
    );
    expect(() => checkLocationAllowed(config, { bucket: 'data', key: 'results2/x' })).toThrow(
      's3://data/results2/x: the connection is limited to keys under "results"',
    );
    expect(() => checkLocationAllowed(motoConfig(), { bucket: 'any', key: 'thing' })).not.toThrow();
  });

  it('builds the client options: endpoint, path style, keys or the default chain for iamRole', () => {
    const keys = s3ClientConfig(motoConfig());
    expect(keys).toMatchObject({
      region: 'us-east-1',
      endpoint: motoConfig().endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing-key', secretAccessKey: 'testing-secret' },
    });
    const role = s3ClientConfig({ region: 'eu-west-1', credentials: 'iamRole' });
    expect(role.credentials).toBeUndefined();
    expect(role.endpoint).toBeUndefined();
    expect(role.forcePathStyle).toBe(false);
  });
});
