import type { S3Client } from '@aws-sdk/client-s3';
import { JobpubError } from '../../errors/index.js';
import type { ByteSource } from '../byte-source.js';
import { loadS3Sdk } from './client.js';
import { type S3Location, s3Uri } from './config.js';
import { isTransientS3Error, noSuchBucket, s3Error, s3ErrorCode } from './errors.js';

/** What a listing already knows of an object, so opening it costs no HEAD request. */
export interface S3ObjectInfo {
  readonly size: number;
  /** Pins every read to this version: a rewrite during a read fails instead of mixing two files. */
  readonly etag?: string;
}

// The SDK retries each request; these retries cover what it cannot: a body that breaks off mid-transfer.
// Two more tries, 250 ms then 1 s apart; the count resets whenever a stream makes progress.
const BODY_RETRIES = 2;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, 250 * 4 ** attempt));

/** An S3 object as a ByteSource: HEAD for its size (unless known), ranged GETs for the bytes. */
export async function s3Source(
  client: S3Client,
  location: S3Location,
  known?: S3ObjectInfo,
): Promise<ByteSource> {
  const name = s3Uri(location);
  const info = known ?? (await headObject(client, location));
  const { size, etag } = info;
  const { GetObjectCommand } = await loadS3Sdk();

  const get = (start: number, end: number) =>
    client.send(
      new GetObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Range: `bytes=${start}-${end - 1}`,
        ...(etag !== undefined ? { IfMatch: etag } : {}),
      }),
    );

  const checkRange = (start: number, end: number) => {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > size || start > end) {
      throw new JobpubError(
        'RESULTS_INVALID',
        `${name}: byte range ${start}-${end} is outside the object (${size} bytes)`,
        { file: name },
      );
    }
  };

  return {
    name,
    size,
    async read(start, end) {
      checkRange(start, end);
      if (start === end) return new Uint8Array(0);
      for (let attempt = 0; ; attempt++) {
        try {
          const out = await get(start, end);
          const bytes = await out.Body!.transformToByteArray();
          if (bytes.byteLength !== end - start) {
            throw new JobpubError(
              'RESULTS_INVALID',
              `${name}: asked for bytes ${start}-${end}, S3 sent ${bytes.byteLength} (the object changed?)`,
              { file: name },
            );
          }
          return bytes;
        } catch (e) {
          if (attempt < BODY_RETRIES && isTransientS3Error(e)) {
            await backoff(attempt);
            continue;
          }
          throw readError(e, location);
        }
      }
    },
    async *stream(start = 0, end = size) {
      checkRange(start, end);
      let at = start;
      let failures = 0;
      while (at < end) {
        try {
          const out = await get(at, end);
          // In Node the body is an http.IncomingMessage: pulled chunk by chunk, so TCP backpressure bounds
          // memory to a few socket buffers however large the object is.
          const body = out.Body as unknown as AsyncIterable<Uint8Array>;
          for await (const chunk of body) {
            if (at >= end) continue; // never more than asked; draining lets the socket be reused
            const piece = chunk.byteLength > end - at ? chunk.subarray(0, end - at) : chunk;
            at += piece.byteLength;
            failures = 0;
            yield piece;
          }
          if (at < end) {
            throw Object.assign(new Error(`${name}: the body ended early at byte ${at}`), {
              code: 'ERR_STREAM_PREMATURE_CLOSE',
            });
          }
        } catch (e) {
          if (failures < BODY_RETRIES && isTransientS3Error(e)) {
            await backoff(failures++);
            continue; // resume from `at` with a new ranged GET
          }
          throw readError(e, location);
        }
      }
    },
  };
}

function readError(e: unknown, location: S3Location): JobpubError {
  if (s3ErrorCode(e) === 'PreconditionFailed') {
    return new JobpubError(
      'RESULTS_INVALID',
      `${s3Uri(location)}: the object was replaced while being read`,
      { file: s3Uri(location) },
      { cause: e },
    );
  }
  return s3Error(e, location, 'reading');
}

/**
 * HEAD of one object. A 404 is told apart (HEAD answers carry no error code): a missing bucket or a
 * missing key; with `missing: 'undefined'` a missing key answers undefined instead of throwing.
 */
export async function headObject(client: S3Client, location: S3Location): Promise<S3ObjectInfo>;
export async function headObject(
  client: S3Client,
  location: S3Location,
  options: { missing: 'undefined' },
): Promise<S3ObjectInfo | undefined>;
export async function headObject(
  client: S3Client,
  location: S3Location,
  options?: { missing: 'undefined' },
): Promise<S3ObjectInfo | undefined> {
  const { HeadObjectCommand } = await loadS3Sdk();
  try {
    const out = await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return { size: out.ContentLength ?? 0, ...(out.ETag !== undefined ? { etag: out.ETag } : {}) };
  } catch (e) {
    const err = s3Error(e, location, 'reading the object size (HEAD)');
    if (err.code !== 'RESULTS_NOT_FOUND') throw err;
    await checkBucket(client, location);
    if (options?.missing === 'undefined') return undefined;
    throw err;
  }
}

/** Throws "no such bucket" when the bucket is missing; otherwise returns (access denied included). */
export async function checkBucket(client: S3Client, location: S3Location): Promise<void> {
  const { HeadBucketCommand } = await loadS3Sdk();
  try {
    await client.send(new HeadBucketCommand({ Bucket: location.bucket }));
  } catch (e) {
    const code = s3ErrorCode(e);
    if (code === 'NotFound' || code === 'NoSuchBucket') throw noSuchBucket(location, e);
  }
}
