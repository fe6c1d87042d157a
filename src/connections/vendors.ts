import path from 'node:path';
import * as z from 'zod/v4';
import { JobpubError } from '../errors/index.js';
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
  readonly toTarget?: (c: ResolvedConnection, ctx: { dataDir: string }) => TargetConfig;
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
export function duckdbFile(p: string, dataDir: string): string {
  const file = path.resolve(dataDir, p);
  const rel = path.relative(dataDir, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new JobpubError('VALIDATION', `params.path must be a file under the data directory: ${p}`);
  }
  return file;
}

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
    toTarget: (c, ctx) => ({ kind: 'duckdb', file: duckdbFile(String(c.params.path), ctx.dataDir) }),
  },
};

export const VENDOR_NAMES = Object.keys(VENDORS);
