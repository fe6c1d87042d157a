import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { JobpubError } from '../../errors/index.js';
import type { ByteSource } from '../byte-source.js';
import { isIgnoredName } from '../local.js';
import { loadS3Sdk } from './client.js';
import { type S3Location, s3Uri } from './config.js';
import { s3Error } from './errors.js';
import { headObject, s3Source } from './source.js';

export interface S3ListOptions {
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1,000). */
  readonly pageSize?: number;
}

export interface S3ObjectEntry {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
}

export interface S3Listing {
  /** Objects directly under the prefix, in S3's order (UTF-8 binary order of keys). */
  readonly objects: S3ObjectEntry[];
  /** The "sub-folders" (common prefixes) directly under the prefix, each ending in `/`. */
  readonly folders: string[];
}

/**
 * The pages of a ListObjectsV2 over a prefix, following ContinuationToken: one page (at most `pageSize`
 * keys) in memory at a time. With `delimiter: '/'` keys below a `/` come back as folders instead.
 */
export async function* listPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: S3ListOptions & { delimiter?: string } = {},
): AsyncGenerator<S3Listing> {
  const { ListObjectsV2Command } = await loadS3Sdk();
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(options.delimiter !== undefined ? { Delimiter: options.delimiter } : {}),
          ...(options.pageSize !== undefined ? { MaxKeys: options.pageSize } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }),
      );
    } catch (e) {
      throw s3Error(e, { bucket, key: prefix }, 'listing the prefix');
    }
    const objects: S3ObjectEntry[] = [];
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      objects.push({ key: o.Key, size: o.Size ?? 0, ...(o.ETag !== undefined ? { etag: o.ETag } : {}) });
    }
    const folders = (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix !== undefined ? [p.Prefix] : []));
    yield { objects, folders };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** One level of a prefix, every page of it, with `/` as the folder delimiter. */
export async function listPrefix(
  client: S3Client,
  bucket: string,
  prefix: string,
  options: S3ListOptions = {},
): Promise<S3Listing> {
  const listing: S3Listing = { objects: [], folders: [] };
  for await (const page of listPages(client, bucket, prefix, { ...options, delimiter: '/' })) {
    listing.objects.push(...page.objects);
    listing.folders.push(...page.folders);
  }
  return listing;
}

/**
 * The part files of an S3 result, like listLocalParts: the object itself when the key names one, otherwise
 * every object under `key/` (Spark style: names starting with `_` or `.` ignored, sorted by key). A
 * "sub-folder" (Hive-style partitions) is refused rather than silently dropping its partition column.
 */
export async function listS3Parts(
  client: S3Client,
  location: S3Location,
  options: S3ListOptions = {},
): Promise<ByteSource[]> {
  const { bucket, key } = location;
  if (key !== '' && !key.endsWith('/')) {
    // A missing key may still be a prefix (the listing then tells a missing bucket apart).
    const single = await headObject(client, location, { missing: 'undefined' });
    if (single) return [await s3Source(client, location, single)];
  }
  const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
  const where = s3Uri({ bucket, key: prefix });
  const { objects, folders } = await listPrefix(client, bucket, prefix, options);
  const named = (k: string) => k.slice(prefix.length).replace(/\/$/, '');
  const nested = folders.map(named).find((n) => !isIgnoredName(n));
  if (nested !== undefined) {
    throw new JobpubError(
      'RESULTS_UNSUPPORTED',
      `${where}: holds a sub-folder "${nested}": partitioned (nested) results are not supported; point at a prefix of part files`,
      { file: where },
    );
  }
  // A zero-byte `prefix/` object is the console's folder marker, not a part.
  const parts = objects
    .filter((o) => o.key !== prefix && !isIgnoredName(named(o.key)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (parts.length === 0) {
    if (objects.length === 0 && folders.length === 0) {
      throw new JobpubError(
        'RESULTS_NOT_FOUND',
        `${s3Uri(location)}: no such object, and no object under the prefix "${prefix}" of bucket "${bucket}"`,
        { file: s3Uri(location) },
      );
    }
    throw new JobpubError(
      'RESULTS_EMPTY',
      `${where}: the prefix holds no part files (names starting with _ or . are ignored)`,
      { file: where },
    );
  }
  return Promise.all(
    parts.map((o) =>
      s3Source(
        client,
        { bucket, key: o.key },
        { size: o.size, ...(o.etag !== undefined ? { etag: o.etag } : {}) },
      ),
    ),
  );
}
