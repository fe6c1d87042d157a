import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import { openResults } from '../../../src/formats/open.js';
import { publish } from '../../../src/publish/executor.js';
import { OWNER_FILE } from '../../../src/targets/hive/locks.js';
import { createTarget } from '../../../src/targets/registry.js';
import { ensureMoto, freshBucket, motoClient, motoConfig } from '../../storage/s3/moto.js';
import { ensureServer, freshDatabase, type HiveBox } from './harness.js';

/**
 * s3a:// staging against the real Spark Thrift Server, as far as this rig allows: jobpub's side runs for
 * real (the leftover sweep of dead publishes' folders in S3, the staged files, the cleanup), but the server
 * has no S3A filesystem (pyspark ships no hadoop-aws jars), so its CREATE EXTERNAL TABLE … LOCATION
 * 's3a://…' fails. What is checked: that failure is reported as a publish failure naming the problem, the
 * target is left as it was, and nothing of the publish stays in S3. With hadoop-aws on the server's
 * classpath and fs.s3a.* pointed at the store, the same publish is expected to succeed (docs/targets/hive.md).
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

let client: S3Client;
let box: HiveBox | undefined;
beforeAll(async () => {
  await Promise.all([ensureServer(), ensureMoto()]);
  client = await motoClient();
}, 300_000);
afterEach(async () => {
  await box?.drop();
  box = undefined;
});
afterAll(() => client?.destroy());

async function keys(bucket: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe('hive: s3a:// staging on a server without S3A', () => {
  it('sweeps dead leftovers, stages, fails at the server, and leaves nothing behind', {
    timeout: 120_000,
  }, async () => {
    const bucket = await freshBucket(client, 'hive-s3a');
    // A leftover of a crashed publish on another host two days ago (dead), and one of a live one.
    const dead = stagingName(randomUUID(), 'stg');
    const live = stagingName(randomUUID(), 'stg');
    const owner = (at: number) => Buffer.from(JSON.stringify({ host: 'elsewhere.example', pid: 1, at }));
    for (const [folder, at] of [
      [dead, Date.now() - 48 * 3600_000],
      [live, Date.now()],
    ] as const) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: `st/${folder}/${OWNER_FILE}`, Body: owner(at) }),
      );
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `st/${folder}/part-00000.parquet`,
          Body: Buffer.from('x'),
        }),
      );
    }
    box = await freshDatabase('s3a');
    const target = await createTarget({
      ...box.config,
      stagingUri: `s3a://${bucket}/st`,
      stagingS3: motoConfig(),
    });
    const results = await openResults(path.join(FIXTURES, 'csv/types.csv'), 'csv');
    const sessionId = randomUUID();
    const failure = await publish({
      target,
      results,
      path: [box.db],
      table: 't',
      action: 'createAndLoad',
      sessionId,
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    // The server cannot read s3a:// (no hadoop-aws): the staging table is refused there.
    expect(failure).toBeDefined();
    expect(failure!.code).toBe('TARGET_REJECTED');
    expect(failure!.message).toMatch(/org\.apache\.hadoop\.fs\.s3a\.S3AFileSystem not found/);
    // Nothing of the publish stays: no table, no staging objects; the dead leftover was swept, the live one kept.
    expect(await box.tables()).toEqual([]);
    expect(await keys(bucket)).toEqual([`st/${live}/${OWNER_FILE}`, `st/${live}/part-00000.parquet`]);
  });
});
