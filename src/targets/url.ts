import path from 'node:path';
import { JobpubError } from '../errors/index.js';
import type { S3ConnectionConfig } from '../storage/s3/config.js';
import type { TargetConfig } from './config.js';

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306 } as const;
const HIVE_PORT = 10000;
const REDSHIFT_PORT = 5439;
const HIVE_TRANSPORTS = ['binary', 'http'] as const;
const HIVE_AUTHS = ['NOSASL', 'NONE', 'PLAIN'] as const;

/**
 * `hive://[user:pass@]host:port/database?staging=file:///path&transport=binary&auth=NONE`. Defaults:
 * port 10000, transport binary, auth NONE (PLAIN when a password is given). `staging` is required: the
 * folder (seen by the Hive server too) where result files are staged. With `staging=s3a://bucket/prefix`
 * jobpub writes the staged files to S3 (`[&s3_endpoint=http://host:port&s3_path_style=true&s3_region=…]`,
 * keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the AWS SDK's default chain) and the Hive
 * server reads them with its own S3A settings.
 */
function parseHiveUrl(url: URL): TargetConfig {
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'default';
  if (!url.hostname) throw new JobpubError('USAGE', 'a hive target URL needs a host');
  const staging = url.searchParams.get('staging');
  if (!staging) {
    throw new JobpubError(
      'USAGE',
      'a hive target URL needs ?staging=file:///folder (seen by the Hive server too) or ?staging=s3a://bucket/prefix',
    );
  }
  const stagingS3 = staging.startsWith('s3a://') ? hiveStagingS3(url, staging) : undefined;
  const transport = url.searchParams.get('transport') ?? 'binary';
  if (!(HIVE_TRANSPORTS as readonly string[]).includes(transport)) {
    throw new JobpubError('USAGE', `hive transport must be binary or http, not "${transport}"`);
  }
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const auth = (url.searchParams.get('auth') ?? (password !== undefined ? 'PLAIN' : 'NONE')).toUpperCase();
  if (!(HIVE_AUTHS as readonly string[]).includes(auth)) {
    throw new JobpubError('USAGE', `hive auth must be NOSASL, NONE or PLAIN, not "${auth}"`);
  }
  return {
    kind: 'hive',
    host: url.hostname,
    port: url.port ? Number(url.port) : HIVE_PORT,
    database,
    user: decodeURIComponent(url.username) || 'jobpub',
    password,
    transport: transport as (typeof HIVE_TRANSPORTS)[number],
    auth: auth as (typeof HIVE_AUTHS)[number],
    stagingUri: staging,
    ...(stagingS3 ? { stagingS3 } : {}),
  };
}

/** The S3 settings of an `s3a://` Hive staging location, from the URL's s3_* parameters (as for Redshift). */
function hiveStagingS3(url: URL, staging: string): S3ConnectionConfig {
  const m = /^s3a:\/\/([^/?#]+)(?:\/[^?#]*)?$/.exec(staging);
  if (!m) throw new JobpubError('USAGE', 'a hive staging location on S3 is s3a://bucket/prefix');
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  const keyId = process.env.AWS_ACCESS_KEY_ID;
  const secret = process.env.AWS_SECRET_ACCESS_KEY;
  const endpoint = q('s3_endpoint');
  return {
    bucket: m[1]!,
    region: q('s3_region') ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(q('s3_path_style') === 'true' ? { forcePathStyle: true } : {}),
    credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : 'iamRole',
  };
}

/**
 * `redshift://user:pass@host:5439/db?staging=s3://bucket/prefix&iam_role=arn:…[&region=…]
 * [&s3_endpoint=http://host:port&s3_path_style=true&s3_region=…]`. The staging bucket is reached with the
 * AWS SDK's default credentials (environment, profile or instance role); COPY reads it with the IAM role,
 * or, without one, with the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
function parseRedshiftUrl(url: URL): TargetConfig {
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database)
    throw new JobpubError('USAGE', 'a redshift target URL needs a host and a database');
  const q = (k: string) => url.searchParams.get(k) ?? undefined;
  const staging = q('staging');
  const m = staging ? /^s3:\/\/([^/]+)\/?(.*)$/.exec(staging) : null;
  if (!m)
    throw new JobpubError(
      'USAGE',
      'a redshift target URL needs ?staging=s3://bucket/prefix (where COPY reads from)',
    );
  const iamRoleArn = q('iam_role');
  const keyId = process.env.AWS_ACCESS_KEY_ID;
  const secret = process.env.AWS_SECRET_ACCESS_KEY;
  const keys = keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined;
  if (!iamRoleArn && !keys) {
    throw new JobpubError(
      'USAGE',
      'a redshift target needs ?iam_role=arn:… or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for COPY',
    );
  }
  const endpoint = q('s3_endpoint');
  return {
    kind: 'redshift',
    host: url.hostname,
    port: url.port ? Number(url.port) : REDSHIFT_PORT,
    database,
    user: decodeURIComponent(url.username) || 'awsuser',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    ssl: url.searchParams.get('ssl') !== 'false',
    ...(q('region') ? { region: q('region') } : {}),
    ...(iamRoleArn ? { iamRoleArn } : { copyKeys: keys }),
    s3: {
      bucket: m[1]!,
      region: q('s3_region') ?? q('region') ?? 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
      ...(q('s3_path_style') === 'true' ? { forcePathStyle: true } : {}),
      credentials: keys ?? 'iamRole',
    },
    stagingUri: staging!,
  };
}

/**
 * `postgres://user:pass@host:port/db`, `mysql://user:pass@host:port/db`, `duckdb:///absolute/file.duckdb`,
 * `hive://[user:pass@]host:port/db?staging=file:///folder` (parseHiveUrl), `redshift://…` (parseRedshiftUrl).
 * Errors never repeat the URL: it may hold a password.
 */
export function parseTargetUrl(text: string): TargetConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new JobpubError(
      'USAGE',
      'the target URL is not a URL (expected postgres://, mysql://, hive://, redshift:// or duckdb:///)',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'hive' || scheme === 'hive2') return parseHiveUrl(url);
  if (scheme === 'redshift') return parseRedshiftUrl(url);
  if (scheme === 'duckdb') {
    const file = decodeURIComponent(url.pathname);
    if (url.host !== '' || !path.isAbsolute(file) || file === '/') {
      throw new JobpubError('USAGE', 'a DuckDB target is duckdb:///absolute/path/file.duckdb');
    }
    return { kind: 'duckdb', file };
  }
  const kind =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : undefined;
  if (!kind)
    throw new JobpubError(
      'USAGE',
      `unknown target scheme "${scheme}": use postgres://, mysql://, hive://, redshift:// or duckdb:///`,
    );
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database)
    throw new JobpubError('USAGE', `a ${kind} target URL needs a host and a database`);
  const server = {
    host: url.hostname,
    port: url.port ? Number(url.port) : DEFAULT_PORTS[kind],
    database,
    user: decodeURIComponent(url.username) || (kind === 'postgres' ? 'postgres' : 'root'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    ssl: url.searchParams.get('ssl') === 'true',
  };
  return kind === 'postgres' ? { kind, ...server } : { kind, ...server };
}
