import path from 'node:path';
import { capabilities } from '../capabilities.js';
import type { DuckdbConfig } from '../config.js';
import type { Target } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { duckdbDialect } from './dialect.js';
import { mapDuckdbError } from './errors.js';
import { MAX_DECIMAL_PRECISION, mapDuckdbType } from './type-map.js';

export interface DuckdbOptions {
  /** How long a publish waits for another process to close the file before TARGET_BUSY (default 60 s). */
  readonly busyTimeoutMs?: number;
}

/**
 * DuckDB: an embedded database in one file. DDL is transactional, so a publish is one transaction.
 *
 * - maxIdentifierBytes: DuckDB sets no limit on identifier length; 255 is ours, so names stay portable
 *   and printable.
 * - finestTimeUnit 'us': TIMESTAMP/TIMESTAMPTZ/TIME keep µs. Nanoseconds are still kept where DuckDB has a
 *   column for them (TIMESTAMP_NS, TIME_NS: see type-map.ts); only ns UTC instants are refused by value.
 * - identifierCase 'insensitive': DuckDB compares names case-insensitively even when quoted.
 */
export const DUCKDB_CAPABILITIES = capabilities({
  transactionalDdl: true,
  atomicMultiRename: false,
  acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
  maxIdentifierBytes: 255,
  identifierCase: 'insensitive',
  maxDecimalPrecision: MAX_DECIMAL_PRECISION,
  finestTimeUnit: 'us',
  defaultNamespace: 'main',
});

export function duckdbTarget(config: DuckdbConfig, options: DuckdbOptions = {}): Target {
  const file = path.resolve(config.file);
  const busyTimeoutMs = options.busyTimeoutMs ?? 60_000;
  return {
    kind: 'duckdb',
    capabilities: DUCKDB_CAPABILITIES,
    dialect: duckdbDialect,
    mapType: mapDuckdbType,
    loadMethod: (format) =>
      format === 'pqt'
        ? 'read_parquet (native, when every column reads as its table type; else the appender)'
        : 'appender, batch by batch',
    resolveTable: resolveDuckdbTable,
    async connect() {
      // The driver loads only when a DuckDB target is used (STYLE: load drivers lazily).
      const { openConnection } = await import('./connection.js');
      return openConnection(file, busyTimeoutMs);
    },
    mapError: mapDuckdbError,
  };
}

/** `path` is `[schema]` (or `[database, schema]`: the last element); `schema.table` in `table` overrides it. */
export function resolveDuckdbTable(pathParts: readonly string[], table: string): TableRef {
  const dot = table.indexOf('.');
  if (dot > 0 && dot < table.length - 1)
    return { namespace: table.slice(0, dot), name: table.slice(dot + 1) };
  return { namespace: pathParts.at(-1) ?? 'main', name: table };
}
