import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobpubError } from '../../../src/errors/index.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { s3Source } from '../../../src/storage/s3/source.js';
import { deletePrefix, putManifest, uploadStream } from '../../../src/storage/s3/upload.js';
import {
  collect,
  ensureMoto,
  freshBucket,
  motoClient,
  pseudoRandom,
  putAll,
  recordCommands,
  sha256,
} from './moto.js';

let client: S3Client;

beforeAll(async () => {
  await ensureMoto();
  client = await motoClient();
});
afterAll(() => client?.destroy());

const MiB = 1 << 20;

describe('staging uploads to S3', () => {
  it('uploads a 20 MB stream in 5 MiB parts and reads back the same bytes', async () => {
    const bucket = await freshBucket(client, 'upload');
    const size = 20 * 1000 * 1000;
    const uploader = await motoClient();
    const sent = recordCommands(uploader);
    const out = await uploadStream(
      uploader,
      { bucket, key: 'staging/job-1/part-00000.parquet' },
      pseudoRandom(size),
      {
        partSize: 5 * MiB,
      },
    );
    uploader.destroy();
    expect(out.uri).toBe(`s3://${bucket}/staging/job-1/part-00000.parquet`);
    expect(out.parts).toBe(4); // 3 × 5 MiB + 4.27 MB
    expect(out.etag).toMatch(/-4"$/); // S3's multipart ETag: md5 of the part md5s, dash, part count
    const names = sent.map((c) => c.name);
    expect(names.filter((n) => n === 'UploadPartCommand').length).toBe(4);
    expect(names).toContain('CreateMultipartUploadCommand');
    expect(names).toContain('CompleteMultipartUploadCommand');

    const src = await s3Source(client, { bucket, key: 'staging/job-1/part-00000.parquet' });
    expect(src.size).toBe(size);
    expect(await sha256(src.stream())).toEqual(await sha256(pseudoRandom(size)));
    // And a range across a part boundary (5 MiB) equals the same bytes of the source.
    const whole = await collect(pseudoRandom(size));
    const cut = await src.read(5 * MiB - 10, 5 * MiB + 10);
    expect(Buffer.from(cut).equals(whole.subarray(5 * MiB - 10, 5 * MiB + 10))).toBe(true);
  });

  it('a small body is one PUT', async () => {
    const bucket = await freshBucket(client, 'small');
    const out = await uploadStream(client, { bucket, key: 'x.csv' }, Buffer.from('a\n1\n'));
    expect(out.parts).toBe(1);
    expect(out.etag).not.toMatch(/-\d+"$/);
    const src = await s3Source(client, { bucket, key: 'x.csv' });
    expect(Buffer.from(await src.read(0, src.size)).toString()).toBe('a\n1\n');
  });

  it('an aborted upload leaves no object and no open multipart upload', async () => {
    const bucket = await freshBucket(client, 'abort');
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<Uint8Array> {
      for await (const c of pseudoRandom(40 * MiB)) {
        yield c;
      }
    }
    let sentParts = 0;
    const uploader = await motoClient();
    uploader.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UploadPartCommand' && ++sentParts === 2) controller.abort();
        return next(args);
      },
      { step: 'initialize', name: 'abortAfterTwoParts' },
    );
    const err = await uploadStream(uploader, { bucket, key: 'staging/big.bin' }, slow(), {
      partSize: 5 * MiB,
      signal: controller.signal,
    }).then(
      () => undefined,
      (e: unknown) => e as JobpubError,
    );
    uploader.destroy();
    expect(err?.code).toBe('PUBLISH_CANCELED');
    expect(err?.message).toBe(`s3://${bucket}/staging/big.bin: upload canceled`);
    const missing = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'staging/big.bin' })).then(
      () => 'found',
      (e: { name?: string }) => e.name,
    );
    expect(missing).toBe('NoSuchKey');
    // lib-storage aborts the multipart upload (AbortMultipartUpload) so no parts stay billed.
    for (let i = 0; i < 20; i++) {
      const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      if ((open.Uploads ?? []).length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it('writes a Redshift manifest listing exactly the parts, with their sizes', async () => {
    const bucket = await freshBucket(client, 'manifest');
    await putAll(client, bucket, [
      { key: 'r/part-0.parquet', body: 'abc' },
      { key: 'r/part-1.parquet', body: 'defgh' },
      { key: 'r/_SUCCESS', body: '' },
    ]);
    const parts = await listS3Parts(client, { bucket, key: 'r/' });
    await putManifest(
      client,
      { bucket, key: 'staging/m.manifest' },
      parts.map((p) => ({ uri: p.name, size: p.size })),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'staging/m.manifest' }));
    expect(got.ContentType).toBe('application/json');
    expect(JSON.parse(await got.Body!.transformToString())).toEqual({
      entries: [
        { url: `s3://${bucket}/r/part-0.parquet`, mandatory: true, meta: { content_length: 3 } },
        { url: `s3://${bucket}/r/part-1.parquet`, mandatory: true, meta: { content_length: 5 } },
      ],
    });
  });

  it('deletes a prefix of 1,100 objects (two pages), nested ones too, and nothing beside it', async () => {
    const bucket = await freshBucket(client, 'delete');
    const doomed = Array.from({ length: 1100 }, (_, i) => ({ key: `staging/job-1/p${i}`, body: '' }));
    await putAll(client, bucket, [
      ...doomed,
      { key: 'staging/job-1/sub/deeper.bin', body: 'x' },
      { key: 'staging/job-10/keep.bin', body: 'keep' }, // shares the name's start, not the folder
      { key: 'staging/keep.bin', body: 'keep' },
    ]);
    const deleter = await motoClient();
    const sent = recordCommands(deleter);
    expect(await deletePrefix(deleter, { bucket, key: 'staging/job-1' })).toBe(1101);
    deleter.destroy();
    expect(sent.filter((c) => c.name === 'DeleteObjectsCommand').length).toBe(2);
    const left = await listS3Parts(client, { bucket, key: 'staging/job-10/' });
    expect(left.map((p) => p.name)).toEqual([`s3://${bucket}/staging/job-10/keep.bin`]);
    expect((await s3Source(client, { bucket, key: 'staging/keep.bin' })).size).toBe(4);
    const gone = await listS3Parts(client, { bucket, key: 'staging/job-1/' }).then(
      () => undefined,
      (e: JobpubError) => e.code,
    );
    expect(gone).toBe('RESULTS_NOT_FOUND');
    expect(await deletePrefix(client, { bucket, key: 'staging/job-1/' })).toBe(0); // again: nothing left
    await expect(deletePrefix(client, { bucket, key: '' })).rejects.toThrow(
      `s3://${bucket}/: refusing to delete a whole bucket`,
    );
  });
});
