import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../../src/storage/s3/client.js';
import type { S3ConnectionConfig } from '../../../src/storage/s3/config.js';

/**
 * The S3 server of these tests: moto's, on 127.0.0.1:S3_PORT (5005), started by scripts/s3-server.sh
 * when it is not answering. A server that cannot be started fails the suite (never a skip).
 */
export const S3_PORT = Number(process.env.S3_PORT ?? 5005);
const REPO = path.resolve(import.meta.dirname, '../../..');

export const endpoint = (port = S3_PORT) => `http://127.0.0.1:${port}`;

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint(port)}/moto-api/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Makes sure moto answers on `port`; returns true when this call started it. */
export async function ensureMoto(port = S3_PORT): Promise<boolean> {
  if (await answers(port)) return false;
  const run = spawnSync('bash', [path.join(REPO, 'scripts/s3-server.sh'), 'start'], {
    env: { ...process.env, S3_PORT: String(port) },
    encoding: 'utf8',
    timeout: 170_000,
  });
  if (!(await answers(port))) {
    throw new Error(
      `moto's S3 server is not answering on 127.0.0.1:${port} and scripts/s3-server.sh could not start it:\n` +
        `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`,
    );
  }
  return true;
}

export function stopMoto(port: number): void {
  spawnSync('bash', [path.join(REPO, 'scripts/s3-server.sh'), 'stop'], {
    env: { ...process.env, S3_PORT: String(port) },
    encoding: 'utf8',
  });
}

/** The connection the tests use: moto accepts any keys unless IAM auth is switched on (auth.test.ts). */
export function motoConfig(overrides: Partial<S3ConnectionConfig> = {}, port = S3_PORT): S3ConnectionConfig {
  return {
    region: 'us-east-1',
    endpoint: endpoint(port),
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing-key', secretAccessKey: 'testing-secret' },
    ...overrides,
  };
}

export function motoClient(overrides: Partial<S3ConnectionConfig> = {}, port = S3_PORT): Promise<S3Client> {
  return createS3Client(motoConfig(overrides, port));
}

/** A new bucket for one test, named after it (a failed test's bucket stays for a look). */
export async function freshBucket(client: S3Client, label: string): Promise<string> {
  const bucket = `jobpub-${label}-${randomBytes(4).toString('hex')}`.toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Puts objects with at most `concurrency` requests in flight. */
export async function putAll(
  client: S3Client,
  bucket: string,
  objects: readonly { key: string; body: string | Uint8Array }[],
  concurrency = 32,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const o = objects[next++]!;
      // A Buffer, not a string: an empty string body makes the SDK warn about a stream of unknown length.
      const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, worker));
}

/** Counts the commands a client sends, by name (ListObjectsV2Command, GetObjectCommand, ...), with their input. */
export function recordCommands(client: S3Client): { name: string; input: Record<string, unknown> }[] {
  const seen: { name: string; input: Record<string, unknown> }[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push({ name: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: `jobpubRecorder${Math.random()}` },
  );
  return seen;
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

const MiB = 1 << 20;

/** `size` deterministic pseudo-random bytes (xorshift32), 1 MiB at a time: never the whole body at once. */
export async function* pseudoRandom(size: number, seed = 0x9e3779b9): AsyncGenerator<Uint8Array> {
  let x = seed >>> 0;
  for (let at = 0; at < size; at += MiB) {
    const n = Math.min(MiB, size - at);
    const words = new Uint32Array(Math.ceil(n / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      words[i] = x;
    }
    yield new Uint8Array(words.buffer, 0, n);
  }
}

export async function sha256(chunks: AsyncIterable<Uint8Array>): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of chunks) {
    h.update(c);
    bytes += c.byteLength;
  }
  return { hash: h.digest('hex'), bytes };
}
