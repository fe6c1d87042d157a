import { capabilities } from '../capabilities.js';
import type { Target, TargetConnection } from '../contract.js';
import { resolvePgTable } from '../postgres/target.js';
import type { RedshiftConfig } from './config.js';
import { type OpenClient, type RedshiftClient, RsConnection } from './connection.js';
import { copyMethod } from './copy.js';
import { rsDialect } from './dialect.js';
import { mapRedshiftError } from './errors.js';
import { RS_MAX_DECIMAL_PRECISION, rsType } from './type-map.js';

export const RS_CAPABILITIES = capabilities({
  // CREATE/DROP/ALTER … RENAME, DELETE, INSERT and COPY all roll back with the transaction. TRUNCATE and
  // ALTER TABLE APPEND would commit it, so no plan uses them (the planner replaces rows with DELETE).
  transactionalDdl: true,
  atomicMultiRename: false,
  acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
  maxIdentifierBytes: 127,
  // Redshift folds names to lower case (quoted too, unless enable_case_sensitive_identifier is on).
  identifierCase: 'insensitive',
  maxDecimalPrecision: RS_MAX_DECIMAL_PRECISION,
  finestTimeUnit: 'us',
  defaultNamespace: 'public',
});

export interface RedshiftDeps {
  /** How a session is opened (default: node-postgres, loaded on first use). */
  readonly openClient?: OpenClient;
}

/**
 * Redshift, reached with PostgreSQL's wire protocol: the same table resolution (`[schema]`, `schema.table`,
 * default `public`) and SQLSTATE classification as the PostgreSQL target; rows go in through S3 and COPY
 * (loader.ts), since Redshift has no COPY FROM STDIN.
 */
export function redshiftTarget(config: RedshiftConfig, deps: RedshiftDeps = {}): Target {
  const open = deps.openClient ?? openPgClient;
  return {
    kind: 'redshift',
    capabilities: RS_CAPABILITIES,
    dialect: rsDialect,
    mapType: rsType,
    loadMethod: copyMethod,
    resolveTable: resolvePgTable,
    connect: () => connect(config, open),
    mapError: (e) => mapRedshiftError(e),
  };
}

async function connect(config: RedshiftConfig, open: OpenClient): Promise<TargetConnection> {
  const client = await open(config);
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return new RsConnection(client, config, open, Number(rows[0]?.pid), new Date());
  } catch (e) {
    await client.end().catch(() => {});
    throw mapRedshiftError(e);
  }
}

/** A node-postgres session in UTC (Redshift's default zone, set anyway so every value reads the same). */
export async function openPgClient(config: RedshiftConfig): Promise<RedshiftClient> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    application_name: 'jobpub',
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.ssl ? { ssl: true } : {}),
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query("SET timezone TO 'UTC'");
  } catch (e) {
    await client.end().catch(() => {});
    throw mapRedshiftError(e);
  }
  return client;
}
