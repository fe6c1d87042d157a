import { JobpubError } from '../../errors/index.js';

/** Where results sit in S3: one object (`key`), or a prefix of part objects (`key` ending in `/`, or any key). */
export interface S3Location {
  readonly bucket: string;
  /** The object key or prefix, without a leading `/`; empty for the whole bucket. */
  readonly key: string;
}

/** The keys of an `s3` connection (awsKeySecret), or `iamRole`: the SDK's default chain (instance role, env). */
export type S3Credentials = { readonly accessKeyId: string; readonly secretAccessKey: string } | 'iamRole';

/** An `s3` connection, as in api.md's vendor table (params + credentials). */
export interface S3ConnectionConfig {
  /** When set, results of this connection must lie in this bucket. */
  readonly bucket?: string;
  readonly region: string;
  /** For S3-compatible stores (MinIO, moto, Ceph): `http(s)://host:port`. */
  readonly endpoint?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (most S3-compatible stores need it). */
  readonly forcePathStyle?: boolean;
  /** When set, results of this connection must lie under this key prefix. */
  readonly prefix?: string;
  readonly credentials: S3Credentials;
}

// Bucket naming rules of S3 (3-63 chars, lower case, digits, dots, hyphens), a little looser on dots.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/some/key` → { bucket, key }. `s3a://` and `s3n://` (Hadoop spellings) are accepted too. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3[an]?:\/\/([^/?#]*)(?:\/([^?#]*))?$/i.exec(uri);
  if (!m) {
    throw new JobpubError('USAGE', `"${uri}" is not an S3 URI: write s3://bucket/key or s3://bucket/prefix/`);
  }
  const bucket = m[1] ?? '';
  if (!BUCKET.test(bucket)) {
    throw new JobpubError(
      'USAGE',
      `"${uri}": "${bucket}" is not a valid bucket name (3-63 characters: lower-case letters, digits, dots, hyphens)`,
    );
  }
  const key = m[2] ?? '';
  if (key.startsWith('/') || key.includes('//')) {
    throw new JobpubError('USAGE', `"${uri}": the key holds an empty path segment ("//")`);
  }
  return { bucket, key };
}

export function s3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * Checks that a result location lies where its connection allows (its bucket and prefix, when set), so a
 * connection scoped to `s3://data/results/` cannot be used to read other keys of the account.
 */
export function checkLocationAllowed(config: S3ConnectionConfig, location: S3Location): void {
  if (config.bucket !== undefined && config.bucket !== '' && config.bucket !== location.bucket) {
    throw new JobpubError(
      'VALIDATION',
      `${s3Uri(location)}: the connection is limited to bucket "${config.bucket}"`,
      { file: s3Uri(location) },
    );
  }
  // Folder semantics: prefix `results` allows `results` and `results/...`, not `results2/...`.
  const prefix = config.prefix?.replace(/^\/+/, '').replace(/\/+$/, '') ?? '';
  if (prefix !== '' && location.key !== prefix && !location.key.startsWith(`${prefix}/`)) {
    throw new JobpubError(
      'VALIDATION',
      `${s3Uri(location)}: the connection is limited to keys under "${prefix}"`,
      { file: s3Uri(location) },
    );
  }
}
