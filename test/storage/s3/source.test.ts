import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, printSchema, renderRow } from '../../../src/domain/schema/index.js';
import type { JobpubError } from '../../../src/errors/index.js';
import { openParts } from '../../../src/formats/open.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { s3Source } from '../../../src/storage/s3/source.js';
import { FIXTURES, loadCases } from '../../support/cases.js';
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

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe('an S3 object as a ByteSource', () => {
  it('reads ranges with ranged GETs and streams sub-ranges', async () => {
    const bucket = await freshBucket(client, 'ranges');
    await putAll(client, bucket, [{ key: 'k/abc.bin', body: ALPHABET }]);
    const reader = await motoClient();
    const sent = recordCommands(reader);
    const src = await s3Source(reader, { bucket, key: 'k/abc.bin' });
    expect(src.name).toBe(`s3://${bucket}/k/abc.bin`);
    expect(src.size).toBe(36);
    expect(Buffer.from(await src.read(2, 5)).toString()).toBe('cde');
    expect(Buffer.from(await src.read(30, 36)).toString()).toBe('456789');
    expect(Buffer.from(await src.read(0, 36)).toString()).toBe(ALPHABET);
    expect((await src.read(7, 7)).byteLength).toBe(0);
    expect((await collect(src.stream(3, 7))).toString()).toBe('defg');
    expect((await collect(src.stream())).toString()).toBe(ALPHABET);
    expect((await collect(src.stream(36, 36))).length).toBe(0);
    const gets = sent.filter((c) => c.name === 'GetObjectCommand').map((c) => c.input.Range);
    // The empty ranges cost no request; every other read asked for exactly its bytes.
    expect(gets).toEqual(['bytes=2-4', 'bytes=30-35', 'bytes=0-35', 'bytes=3-6', 'bytes=0-35']);
    expect(sent.filter((c) => c.name === 'HeadObjectCommand').length).toBe(1);
    const err = await fail(src.read(30, 40));
    expect(err.code).toBe('RESULTS_INVALID');
    expect(err.message).toBe(`s3://${bucket}/k/abc.bin: byte range 30-40 is outside the object (36 bytes)`);
    reader.destroy();
  });

  it('reads a pyarrow-written Parquet file: the footer by range, then every row through openParts', async () => {
    const c = loadCases().find((x) => x.file.endsWith(`pqt${path.sep}types.case.json`))!;
    const local = readFileSync(path.join(FIXTURES, 'pqt', c.path));
    const bucket = await freshBucket(client, 'pqt');
    await putAll(client, bucket, [{ key: 'results/types.parquet', body: local }]);

    // The footer by hand: the last 8 bytes are the footer length and "PAR1", as in the local file.
    const src = await s3Source(client, { bucket, key: 'results/types.parquet' });
    expect(src.size).toBe(local.length);
    const tail = Buffer.from(await src.read(src.size - 8, src.size));
    expect(tail.subarray(4).toString()).toBe('PAR1');
    const footerLength = tail.readUInt32LE(0);
    expect(footerLength).toBe(local.readUInt32LE(local.length - 8));
    const footer = await src.read(src.size - 8 - footerLength, src.size - 8);
    expect(
      Buffer.from(footer).equals(local.subarray(local.length - 8 - footerLength, local.length - 8)),
    ).toBe(true);

    // The reader, on parts listed from S3: only ranged GETs.
    const reader = await motoClient();
    const sent = recordCommands(reader);
    const results = await openParts(
      await listS3Parts(reader, { bucket, key: 'results/types.parquet' }),
      'pqt',
    );
    const rows: { [key: string]: Json }[] = [];
    for await (const batch of results.batches()) {
      for (let i = 0; i < batch.numRows; i++) rows.push(renderRow(results.schema, batch, i));
    }
    expect(printSchema(results.schema)).toEqual(c.schema);
    expect(results.files).toEqual([`s3://${bucket}/results/types.parquet`]);
    expect(results.rowCount).toBe(c.rowCount);
    expect(rows).toEqual(c.rows);
    const ranges = sent.filter((x) => x.name === 'GetObjectCommand').map((x) => String(x.input.Range));
    expect(ranges.length).toBeGreaterThan(0);
    for (const r of ranges) expect(r).toMatch(/^bytes=\d+-\d+$/);
    // The footer is located from the end of the object before any data page is read ...
    expect(ranges.slice(0, 3)).toContain(`bytes=${src.size - 8}-${src.size - 1}`);
    // ... and no request fetched the whole object: column chunks are read by range.
    expect(ranges).not.toContain(`bytes=0-${src.size - 1}`);
    reader.destroy();
  });

  it('fails instead of mixing two versions when the object is replaced between listing and reading', async () => {
    const bucket = await freshBucket(client, 'replaced');
    await putAll(client, bucket, [{ key: 'part-0.csv', body: 'a\n1\n' }]);
    const src = await s3Source(client, { bucket, key: 'part-0.csv' });
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'part-0.csv', Body: Buffer.from('a\n2\n') }),
    );
    const err = await fail(src.read(0, 4));
    expect(err.code).toBe('RESULTS_INVALID');
    expect(err.message).toBe(`s3://${bucket}/part-0.csv: the object was replaced while being read`);
    const err2 = await fail(collect(src.stream()));
    expect(err2.message).toBe(`s3://${bucket}/part-0.csv: the object was replaced while being read`);
  });

  it('retries a dropped connection: a read that failed to connect, a stream whose body broke off', async () => {
    const bucket = await freshBucket(client, 'retry');
    const body = Buffer.from(ALPHABET.repeat(1000)); // 36,000 bytes
    await putAll(client, bucket, [{ key: 'big.bin', body }]);
    // Fault injection on the real server's answers: the first GET fails before it is sent (ECONNRESET),
    // the third one's body (the stream) stops with ECONNRESET after 5,000 bytes.
    const flaky = await motoClient();
    let gets = 0;
    const ranges: string[] = [];
    flaky.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'GetObjectCommand') return next(args);
        gets++;
        ranges.push(String((args.input as { Range?: string }).Range));
        if (gets === 1) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        const out = await next(args);
        if (gets === 3) {
          const original = (out.output as { Body: AsyncIterable<Uint8Array> }).Body;
          (out.output as { Body: unknown }).Body = Readable.from(breakAfter(original, 5000));
        }
        return out;
      },
      { step: 'initialize', name: 'faults' },
    );
    const src = await s3Source(flaky, { bucket, key: 'big.bin' });
    expect(Buffer.from(await src.read(100, 200)).equals(body.subarray(100, 200))).toBe(true);
    const streamed = await collect(src.stream(10, 36_000));
    expect(streamed.equals(body.subarray(10))).toBe(true);
    // The resumed GET started where the broken body stopped.
    expect(ranges).toEqual(['bytes=100-199', 'bytes=100-199', 'bytes=10-35999', 'bytes=5010-35999']);
    flaky.destroy();
  });
});

async function* breakAfter(body: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const chunk of body) {
    if (sent + chunk.byteLength >= limit) {
      yield chunk.subarray(0, limit - sent);
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    sent += chunk.byteLength;
    yield chunk;
  }
}
