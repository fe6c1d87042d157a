import path from 'node:path';
import * as z from 'zod/v4';

/**
 * The service's configuration: read from the environment once, at start-up, and validated here. Nothing
 * else reads `process.env`.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  HOST: z.string().min(1).default('127.0.0.1'),
  JOBPUB_DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL metadata instead of SQLite: several instances over one database share the work. */
  JOBPUB_DATABASE_URL: z.string().min(1).optional(),
  /** Folders `file://` results may lie under, separated by the platform's path delimiter (`:`). */
  JOBPUB_STORAGE_ROOTS: z.string().optional(),
  JOBPUB_ADMIN_EMAIL: z.string().email().default('admin@jobpub.local'),
  JOBPUB_ADMIN_PASSWORD: z.string().min(8).optional(),
  JOBPUB_ADMIN_TOKEN: z.string().min(16).optional(),
  /** 32 bytes as 64 hex characters or base64; otherwise a key file is made in the data directory. */
  JOBPUB_SECRET_KEY: z.string().optional(),
  /** Publish jobs one instance runs at once. */
  JOBPUB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /**
   * How long a claimed job stays with its worker without a heartbeat. A worker heartbeats every third of
   * it; a job whose lease ran out (its worker died) is claimed again by any instance.
   */
  JOBPUB_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** How often an idle worker looks for queued jobs. */
  JOBPUB_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** On SIGTERM, how long running jobs may take to finish before the process exits anyway. */
  JOBPUB_SHUTDOWN_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  /** Requests per minute per caller (credential or address). */
  JOBPUB_RATE_LIMIT: z.coerce.number().int().min(1).default(1200),
  /** Register the demo flow, recipe and job group on an empty store. */
  JOBPUB_DEMO: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly storageRoots: readonly string[];
  readonly admin: { email: string; password: string | undefined; token: string | undefined };
  readonly secretKey: string | undefined;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly shutdownMs: number;
  readonly rateLimitPerMinute: number;
  readonly demo: boolean;
  readonly logLevel: string;
}

/** The bundled demo results: always a storage root, so the demo job group can be published. */
export const DEMO_RESULTS_DIR = path.resolve(import.meta.dirname, '../../demo/results');

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // Name the variable, never echo its value: it may be a secret.
    throw new Error(`configuration: ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.JOBPUB_DATA_DIR);
  const roots = (e.JOBPUB_STORAGE_ROOTS ?? path.join(dataDir, 'results'))
    .split(path.delimiter)
    .filter(Boolean)
    .map((r) => path.resolve(r));
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.JOBPUB_DATABASE_URL,
    storageRoots: [...new Set([...roots, DEMO_RESULTS_DIR])],
    admin: { email: e.JOBPUB_ADMIN_EMAIL, password: e.JOBPUB_ADMIN_PASSWORD, token: e.JOBPUB_ADMIN_TOKEN },
    secretKey: e.JOBPUB_SECRET_KEY,
    concurrency: e.JOBPUB_CONCURRENCY,
    leaseMs: e.JOBPUB_LEASE_SECONDS * 1000,
    pollMs: e.JOBPUB_POLL_MS,
    shutdownMs: e.JOBPUB_SHUTDOWN_SECONDS * 1000,
    rateLimitPerMinute: e.JOBPUB_RATE_LIMIT,
    demo: e.JOBPUB_DEMO === 'true',
    logLevel: e.LOG_LEVEL,
  };
}
