import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/v4';
import { JobpubError } from '../errors/index.js';
import { checkLocationAllowed, parseS3Uri, type S3ConnectionConfig } from '../storage/s3/config.js';
import type { TargetConfig } from '../targets/config.js';

/** What the API accepts for a connection, per vendor (api.md, Connections). */
export interface VendorSpec {
  readonly type: 'jdbc' | 'embedded' | 'remotefile';
  readonly credentialTypes: readonly string[];
  /** `params`, validated; unknown keys are refused so a typo is not silently ignored. */
  readonly params: z.ZodType<Record<string, unknown>>;
  readonly needsHost: boolean;
  readonly defaultPort?: number;
  /**
   * How a stored connection becomes a target; absent for storage-only vendors (`s3`), which the publish
   * route refuses as "not a table target".
   */
  readonly toTarget?: (c: ResolvedConnection, ctx: TargetContext) => TargetConfig | Promise<TargetConfig>;
  /** How a stored connection reaches result files (`s3`); absent for table-only vendors. */
  readonly toStorage?: (c: ResolvedConnection) => S3ConnectionConfig;
}

/** What turning a connection into a target may need besides the connection itself. */
export interface TargetContext {
  readonly dataDir: string;
  /** The S3 settings of another connection (Redshift stages through its `s3Connection`). */
  storage(connectionId: number): Promise<S3ConnectionConfig>;
}

/** A connection with its credentials opened, inside the service only. */
export interface ResolvedConnection {
  readonly host: string | null;
  readonly port: number | null;
  readonly ssl: boolean;
  readonly params: Record<string, unknown>;
  readonly credentials: readonly Record<string, string>[];
}

const basic = (c: ResolvedConnection) => {
  const cred = c.credentials[0] ?? {};
  return { user: cred.username ?? '', password: cred.password };
};

const database = z.object({ database: z.string().min(1) }).strict();

const server =
  (kind: 'postgres' | 'mysql') =>
  (c: ResolvedConnection): TargetConfig => ({
    kind,
    host: c.host ?? '',
    port: c.port ?? (kind === 'postgres' ? 5432 : 3306),
    database: String(c.params.database),
    ...basic(c),
    ssl: c.ssl,
  });

/**
 * A DuckDB file lies under the data directory: `path` is relative to it and may not leave it, so no
 * caller can open (or create) a file elsewhere on the server.
 */
export function underDataDir(p: string, dataDir: string, field = 'params.path'): string {
  const file = path.resolve(dataDir, p);
  const rel = path.relative(dataDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new JobpubError('VALIDATION', `${field} must be under the data directory: ${p}`);
  }
  return file;
}

/**
 * Hive (HiveServer2: Apache Hive, Spark Thrift Server). Result files are staged under `stagingUri`, which
 * the Hive server must see too; a `file://` one must lie under the data directory, so no caller can make
 * the service write (or clean up) files elsewhere on its machine. An `s3a://bucket/prefix` one is written
 * with the keys of `params.stagingConnection` (an `s3` connection, required then and refused otherwise),
 * and must lie in that connection's bucket and prefix when it has them.
 */
const hive: VendorSpec = {
  type: 'jdbc',
  credentialTypes: ['basic', 'none'],
  params: z
    .object({
      database: z.string().min(1).max(128),
      transport: z.enum(['binary', 'http']).default('binary'),
      auth: z.enum(['NOSASL', 'NONE', 'PLAIN']).default('NONE'),
      stagingUri: z.string().min(1).max(4096),
      stagingConnection: z.object({ id: z.number().int().positive() }).strict().optional(),
    })
    .strict(),
  needsHost: true,
  defaultPort: 10000,
  toTarget: async (c, ctx) => {
    const p = c.params as {
      database: string;
      transport: 'binary' | 'http';
      auth: 'NOSASL' | 'NONE' | 'PLAIN';
      stagingUri: string;
      stagingConnection?: { id: number };
    };
    if (p.stagingUri.startsWith('file:'))
      underDataDir(fileURLToPath(p.stagingUri), ctx.dataDir, 'params.stagingUri');
    const s3a = p.stagingUri.startsWith('s3a://');
    if (s3a && p.stagingConnection === undefined) {
      throw new JobpubError(
        'VALIDATION',
        'params.stagingConnection (an s3 connection: {"id": …}) is required when params.stagingUri is s3a://',
      );
    }
    if (!s3a && p.stagingConnection !== undefined) {
      throw new JobpubError(
        'VALIDATION',
        'params.stagingConnection is only for an s3a:// params.stagingUri (a file:// one needs none)',
      );
    }
    let stagingS3: S3ConnectionConfig | undefined;
    if (p.stagingConnection !== undefined) {
      stagingS3 = await ctx.storage(p.stagingConnection.id);
      checkLocationAllowed(stagingS3, parseS3Uri(p.stagingUri));
    }
    return {
      kind: 'hive',
      host: c.host ?? '',
      port: c.port ?? 10000,
      database: p.database,
      ...basic(c),
      user: basic(c).user || 'jobpub',
      transport: p.transport,
      auth: p.auth,
      stagingUri: p.stagingUri,
      ...(stagingS3 ? { stagingS3 } : {}),
    };
  },
};

/**
 * Redshift: rows go through S3 (`params.s3Connection`, an `s3` connection) and one COPY per publish, which
 * reads S3 with `params.iamRoleArn` (AWS's preferred way) or, without one, the s3 connection's keys.
 */
const redshift: VendorSpec = {
  type: 'jdbc',
  credentialTypes: ['basic'],
  params: z
    .object({
      database: z.string().min(1).max(127),
      s3Connection: z.object({ id: z.number().int().positive() }).strict(),
      iamRoleArn: z.string().min(1).max(2048).optional(),
      region: z.string().min(1).max(64).optional(),
      extraLoadParams: z.string().max(1000).optional(),
    })
    .strict(),
  needsHost: true,
  defaultPort: 5439,
  toTarget: async (c, ctx) => {
    const p = c.params as {
      database: string;
      s3Connection: { id: number };
      iamRoleArn?: string;
      region?: string;
    };
    const s3 = await ctx.storage(p.s3Connection.id);
    const prefix = [s3.prefix?.replace(/^\/+|\/+$/g, ''), 'jobpub-staging'].filter(Boolean).join('/');
    const keys = s3.credentials === 'iamRole' ? undefined : s3.credentials;
    return {
      kind: 'redshift',
      host: c.host ?? '',
      port: c.port ?? 5439,
      database: p.database,
      ...basic(c),
      ssl: c.ssl,
      ...(p.region ? { region: p.region } : {}),
      ...(p.iamRoleArn ? { iamRoleArn: p.iamRoleArn } : keys ? { copyKeys: keys } : {}),
      s3,
      stagingUri: `s3://${s3.bucket}/${prefix}`,
    };
  },
};

/** S3 (and S3-compatible stores): where results are read from; not a table target. */
const s3: VendorSpec = {
  type: 'remotefile',
  credentialTypes: ['awsKeySecret', 'iamRole'],
  params: z
    .object({
      bucket: z.string().min(3).max(63),
      region: z.string().min(1).max(64).default('us-east-1'),
      endpoint: z.url().optional(),
      prefix: z.string().max(1024).optional(),
      forcePathStyle: z.boolean().optional(),
    })
    .strict(),
  needsHost: false,
  toStorage: (c) => {
    const p = c.params as {
      bucket: string;
      region: string;
      endpoint?: string;
      prefix?: string;
      forcePathStyle?: boolean;
    };
    const cred = c.credentials[0];
    return {
      bucket: p.bucket,
      region: p.region,
      ...(p.endpoint ? { endpoint: p.endpoint } : {}),
      ...(p.prefix ? { prefix: p.prefix } : {}),
      ...(p.forcePathStyle !== undefined ? { forcePathStyle: p.forcePathStyle } : {}),
      credentials:
        cred?.accessKeyId && cred.secretAccessKey
          ? { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey }
          : 'iamRole',
    };
  },
};

export const VENDORS: Record<string, VendorSpec> = {
  postgres: {
    type: 'jdbc',
    credentialTypes: ['basic'],
    params: database,
    needsHost: true,
    defaultPort: 5432,
    toTarget: server('postgres'),
  },
  mysql: {
    type: 'jdbc',
    credentialTypes: ['basic'],
    params: database,
    needsHost: true,
    defaultPort: 3306,
    toTarget: server('mysql'),
  },
  duckdb: {
    type: 'embedded',
    credentialTypes: ['none'],
    params: z
      .object({
        path: z
          .string()
          .min(1)
          .refine((p) => !p.includes('\0'), 'must not hold a NUL'),
        schema: z.string().min(1).optional(),
      })
      .strict(),
    needsHost: false,
    toTarget: (c, ctx) => ({ kind: 'duckdb', file: underDataDir(String(c.params.path), ctx.dataDir) }),
  },
  hive,
  redshift,
  s3,
};

/** The fields of each credential type, in `credentials[0]` (api.md, Connections table). */
export const CREDENTIAL_FIELDS: Record<string, readonly string[]> = {
  basic: ['username', 'password'],
  awsKeySecret: ['accessKeyId', 'secretAccessKey'],
  iamRole: [],
  none: [],
};

export const VENDOR_NAMES = Object.keys(VENDORS);
