import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobpubError } from '../../../src/errors/index.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { collect, ensureMoto, freshBucket, motoClient, putAll, recordCommands } from './moto.js';

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

describe('listS3Parts against moto', () => {
  it('lists 1,050 parts over more than one page, sorted, with their sizes', async () => {
    const bucket = await freshBucket(client, 'many');
    const n = 1050;
    // Put in shuffled order, so a sorted answer is not just the order of creation.
    const objects = Array.from({ length: n }, (_, i) => ({
      key: `out/part-${String(i).padStart(5, '0')}.csv`,
      body: 'x'.repeat(i % 7),
    })).sort(() => Math.random() - 0.5);
    await putAll(client, bucket, [...objects, { key: 'out/_SUCCESS', body: '' }]);

    const lister = await motoClient();
    const sent = recordCommands(lister);
    const parts = await listS3Parts(lister, { bucket, key: 'out/' });
    lister.destroy();

    const lists = sent.filter((c) => c.name === 'ListObjectsV2Command');
    expect(lists.length).toBe(2); // 1,000 + 51 keys: the second page came through ContinuationToken
    expect(lists[1]!.input.ContinuationToken).toEqual(expect.any(String));
    expect(sent.filter((c) => c.name === 'HeadObjectCommand')).toEqual([]); // sizes come from the listing
    expect(parts.length).toBe(n);
    expect(parts[0]!.name).toBe(`s3://${bucket}/out/part-00000.csv`);
    expect(parts[n - 1]!.name).toBe(`s3://${bucket}/out/part-01049.csv`);
    expect(parts.map((p) => p.name)).toEqual(
      Array.from({ length: n }, (_, i) => `s3://${bucket}/out/part-${String(i).padStart(5, '0')}.csv`),
    );
    expect(parts.map((p) => p.size)).toEqual(Array.from({ length: n }, (_, i) => i % 7));
  });

  it('follows every page with a small page size (7 keys a page)', async () => {
    const bucket = await freshBucket(client, 'pages');
    const keys = Array.from({ length: 50 }, (_, i) => `r/p${String(i).padStart(3, '0')}`);
    await putAll(
      client,
      bucket,
      keys.map((key) => ({ key, body: key })),
    );
    const sent = recordCommands(client);
    const parts = await listS3Parts(client, { bucket, key: 'r' }, { pageSize: 7 });
    expect(parts.map((p) => p.name)).toEqual(keys.map((k) => `s3://${bucket}/${k}`));
    expect(sent.filter((c) => c.name === 'ListObjectsV2Command').length).toBe(8); // ceil(50 / 7)
    expect((await collect(parts[49]!.stream())).toString()).toBe('r/p049');
  });

  it('ignores _SUCCESS, _committed_*, dot files, the folder marker and a _temporary folder', async () => {
    const bucket = await freshBucket(client, 'ignored');
    await putAll(client, bucket, [
      { key: 'res/', body: '' }, // the console's "folder" marker
      { key: 'res/part-00001.json', body: '{"a":2}\n' },
      { key: 'res/part-00000.json', body: '{"a":1}\n' },
      { key: 'res/_SUCCESS', body: '' },
      { key: 'res/_committed_123', body: '{}' },
      { key: 'res/.part-00000.json.crc', body: 'crc' },
      { key: 'res/_temporary/0/part-00002.json', body: '{"a":3}\n' },
      { key: 'res2/part-00000.json', body: 'not mine' }, // a sibling prefix sharing the name's start
    ]);
    const parts = await listS3Parts(client, { bucket, key: 'res' });
    expect(parts.map((p) => p.name)).toEqual([
      `s3://${bucket}/res/part-00000.json`,
      `s3://${bucket}/res/part-00001.json`,
    ]);
    expect(parts.map((p) => p.size)).toEqual([8, 8]);
  });

  it('answers one object when the key names one, even beside a same-named prefix', async () => {
    const bucket = await freshBucket(client, 'single');
    await putAll(client, bucket, [
      { key: 'a/orders.csv', body: 'id\n1\n' },
      { key: 'a/orders.csv/part-0', body: 'id\n2\n' },
    ]);
    const parts = await listS3Parts(client, { bucket, key: 'a/orders.csv' });
    expect(parts.map((p) => [p.name, p.size])).toEqual([[`s3://${bucket}/a/orders.csv`, 5]]);
    // With a trailing slash the same name is the prefix.
    const asPrefix = await listS3Parts(client, { bucket, key: 'a/orders.csv/' });
    expect(asPrefix.map((p) => p.name)).toEqual([`s3://${bucket}/a/orders.csv/part-0`]);
  });

  it('refuses a prefix holding a sub-folder (partitioned results), naming it', async () => {
    const bucket = await freshBucket(client, 'nested');
    await putAll(client, bucket, [
      { key: 'p/part-0.parquet', body: 'x' },
      { key: 'p/country=FR/part-0.parquet', body: 'x' },
    ]);
    const err = await fail(listS3Parts(client, { bucket, key: 'p/' }));
    expect(err.code).toBe('RESULTS_UNSUPPORTED');
    expect(err.message).toBe(
      `s3://${bucket}/p/: holds a sub-folder "country=FR": partitioned (nested) results are not supported; point at a prefix of part files`,
    );
  });

  it('lists the whole bucket for s3://bucket/', async () => {
    const bucket = await freshBucket(client, 'root');
    await putAll(client, bucket, [
      { key: 'b.csv', body: 'x' },
      { key: 'a.csv', body: 'yy' },
      { key: '_SUCCESS', body: '' },
    ]);
    const parts = await listS3Parts(client, { bucket, key: '' });
    expect(parts.map((p) => [p.name, p.size])).toEqual([
      [`s3://${bucket}/a.csv`, 2],
      [`s3://${bucket}/b.csv`, 1],
    ]);
  });
});
