import { Readable } from 'node:stream';
import type { ObjectIdentifier, S3Client } from '@aws-sdk/client-s3';
import { JobpubError } from '../../errors/index.js';
import { loadS3Sdk } from './client.js';
import { type S3Location, s3Uri } from './config.js';
import { s3Error } from './errors.js';
import { listPages } from './list.js';

/**
 * 8 MiB parts, 2 in flight: an upload holds about (queueSize + 2) × partSize = 32 MiB whatever its size (the
 * parts being sent, the one being gathered, and lib-storage's copy when it joins a part's chunks).
 */
export const DEFAULT_PART_SIZE = 8 << 20;
export const DEFAULT_QUEUE_SIZE = 2;
/** S3's smallest part (all but the last). */
const MIN_PART_SIZE = 5 << 20;

export interface UploadOptions {
  readonly partSize?: number;
  readonly queueSize?: number;
  readonly contentType?: string;
  /** Aborts the upload; its parts are removed (AbortMultipartUpload). */
  readonly signal?: AbortSignal;
}

export interface UploadResult {
  readonly uri: string;
  readonly etag?: string;
  /** Parts sent: 1 for a body smaller than one part (a plain PUT). */
  readonly parts: number;
}

/**
 * Uploads a stream of bytes (staging files) as one object, in parts of bounded size: never the whole body in
 * memory. On failure or abort the multipart upload is aborted so no orphan parts are billed.
 */
export async function uploadStream(
  client: S3Client,
  location: S3Location,
  body: AsyncIterable<Uint8Array> | Readable | Uint8Array,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const partSize = Math.max(MIN_PART_SIZE, options.partSize ?? DEFAULT_PART_SIZE);
  const queueSize = Math.max(1, options.queueSize ?? DEFAULT_QUEUE_SIZE);
  const { Upload } = await loadLibStorage();
  // Byte mode with a 1-byte high-water mark: the stream pulls one chunk ahead at most (the object-mode
  // default of Readable.from would read 16 chunks ahead, 16 MiB of 1 MiB chunks).
  const stream =
    body instanceof Uint8Array || body instanceof Readable
      ? body
      : Readable.from(body, { objectMode: false, highWaterMark: 1 });
  const upload = new Upload({
    client,
    partSize,
    queueSize,
    leavePartsOnError: false,
    params: {
      Bucket: location.bucket,
      Key: location.key,
      Body: stream,
      ...(options.contentType !== undefined ? { ContentType: options.contentType } : {}),
    },
  });
  let parts = 0;
  upload.on('httpUploadProgress', (p) => {
    parts = Math.max(parts, p.part ?? 0);
  });
  const onAbort = () => void upload.abort().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted)
      throw new JobpubError('PUBLISH_CANCELED', `${s3Uri(location)}: upload canceled`);
    const out = await upload.done();
    return {
      uri: s3Uri(location),
      ...(out.ETag !== undefined ? { etag: out.ETag } : {}),
      parts: Math.max(1, parts),
    };
  } catch (e) {
    if (options.signal?.aborted) {
      throw new JobpubError('PUBLISH_CANCELED', `${s3Uri(location)}: upload canceled`, {
        file: s3Uri(location),
      });
    }
    throw s3Error(e, location, 'uploading');
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (stream instanceof Readable && !stream.destroyed) stream.destroy();
  }
}

async function loadLibStorage() {
  try {
    return await import('@aws-sdk/lib-storage');
  } catch (e) {
    throw new JobpubError(
      'INTERNAL',
      'S3 uploads need the package @aws-sdk/lib-storage, which could not be loaded',
      {},
      { cause: e },
    );
  }
}

/** A small object in one PUT (manifests, markers). */
export async function putObject(
  client: S3Client,
  location: S3Location,
  body: string | Uint8Array,
  contentType = 'application/octet-stream',
): Promise<void> {
  const { PutObjectCommand } = await loadS3Sdk();
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        Body: body,
        ContentType: contentType,
      }),
    );
  } catch (e) {
    throw s3Error(e, location, 'writing');
  }
}

export interface ManifestEntry {
  readonly uri: string;
  /** Bytes of the file; Redshift requires it for columnar (Parquet, ORC) COPY from a manifest. */
  readonly size: number;
}

/**
 * The manifest Redshift's `COPY … MANIFEST` reads: exactly these files, each mandatory (a missing file fails
 * the COPY instead of loading less). https://docs.aws.amazon.com/redshift/latest/dg/loading-data-files-using-manifest.html
 */
export function redshiftManifest(entries: readonly ManifestEntry[]): string {
  return JSON.stringify(
    {
      entries: entries.map((e) => ({ url: e.uri, mandatory: true, meta: { content_length: e.size } })),
    },
    null,
    2,
  );
}

export async function putManifest(
  client: S3Client,
  location: S3Location,
  entries: readonly ManifestEntry[],
): Promise<void> {
  await putObject(client, location, redshiftManifest(entries), 'application/json');
}

/**
 * Deletes every object under a prefix (staging cleanup), one listing page (1,000 keys) per DeleteObjects.
 * The prefix is a folder: `staging/job-1` deletes `staging/job-1/…`, never `staging/job-10/…`; an empty
 * prefix (the whole bucket) is refused. Returns how many objects were deleted.
 */
export async function deletePrefix(client: S3Client, location: S3Location): Promise<number> {
  if (location.key.replace(/\/+$/, '') === '') {
    throw new JobpubError('USAGE', `${s3Uri(location)}: refusing to delete a whole bucket`, {
      file: s3Uri(location),
    });
  }
  const prefix = location.key.endsWith('/') ? location.key : `${location.key}/`;
  const where: S3Location = { bucket: location.bucket, key: prefix };
  const { DeleteObjectsCommand } = await loadS3Sdk();
  let deleted = 0;
  // Deleting keys already listed does not disturb the continuation token (it marks a position in key order).
  for await (const page of listPages(client, location.bucket, prefix)) {
    if (page.objects.length === 0) continue;
    const batch: ObjectIdentifier[] = page.objects.map((o) => ({ Key: o.key }));
    let failed: { Key?: string; Code?: string }[];
    try {
      const out = await client.send(
        new DeleteObjectsCommand({ Bucket: location.bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      failed = out.Errors ?? [];
    } catch (e) {
      throw s3Error(e, where, 'deleting the prefix');
    }
    const first = failed[0];
    if (first) {
      const file = s3Uri({ bucket: location.bucket, key: first.Key ?? prefix });
      const more = failed.length > 1 ? ` (and ${failed.length - 1} more under ${s3Uri(where)})` : '';
      throw new JobpubError(
        first.Code === 'AccessDenied' ? 'STORAGE_REFUSED' : 'STORAGE_UNAVAILABLE',
        `${file}: could not be deleted [${first.Code ?? 'unknown'}]${more}`,
        { file },
      );
    }
    deleted += batch.length;
  }
  return deleted;
}
