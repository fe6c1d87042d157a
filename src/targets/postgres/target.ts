import type { ClientConfig } from 'pg';
import { capabilities } from '../capabilities.js';
import type { PostgresConfig } from '../config.js';
import type { Target, TargetConnection } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { PgConnection } from './connection.js';
import { pgDialect } from './dialect.js';
import { mapPgError } from './errors.js';
import { PG_MAX_NUMERIC_PRECISION, pgType } from './type-map.js';

export const PG_CAPABILITIES = capabilities({
  transactionalDdl: true,
  atomicMultiRename: false,
  acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
  maxIdentifierBytes: 63,
  identifierCase: 'exact', // every name is quoted, so it keeps its case
  maxDecimalPrecision: PG_MAX_NUMERIC_PRECISION,
  finestTimeUnit: 'us',
  defaultNamespace: 'public',
});

/**
 * `path` is `[schema]` or `[database, schema]` (the connection picks the database, so the last entry is the
 * schema); a table written `schema.table` names its own schema (api.md). The default schema is `public`.
 */
export function resolvePgTable(path: readonly string[], table: string): TableRef {
  const dot = table.indexOf('.');
  if (dot > 0 && dot < table.length - 1)
    return { namespace: table.slice(0, dot), name: table.slice(dot + 1) };
  const schema = path.length > 0 ? path[path.length - 1] : undefined;
  return { namespace: schema || PG_CAPABILITIES.defaultNamespace, name: table };
}

export function postgresTarget(config: PostgresConfig): Target {
  return {
    kind: 'postgres',
    capabilities: PG_CAPABILITIES,
    dialect: pgDialect,
    mapType: pgType,
    loadMethod: () => 'COPY … FROM STDIN (binary; text where a column needs PostgreSQL to convert)',
    resolveTable: resolvePgTable,
    connect: () => connect(config),
    mapError: (e) => mapPgError(e),
  };
}

/** One connection per publish, in UTC with ISO dates, so every value is written and read unambiguously. */
async function connect(config: PostgresConfig): Promise<TargetConnection> {
  // The driver is loaded only when a PostgreSQL target is used (STYLE: load drivers lazily).
  const { default: pg } = await import('pg');
  const options: ClientConfig = {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    application_name: 'jobpub',
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.ssl ? { ssl: true } : {}),
  };
  const client = new pg.Client(options);
  // An idle connection that drops emits 'error'; the next query fails with it, mapped there.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'");
  } catch (e) {
    await client.end().catch(() => {});
    throw mapPgError(e);
  }
  return new PgConnection(client);
}
