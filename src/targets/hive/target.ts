import { JobpubError } from '../../errors/index.js';
import type { ResultFormat } from '../../formats/reader.js';
import { capabilities } from '../capabilities.js';
import type { HiveConfig } from '../config.js';
import type { Target } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { hiveDialect } from './dialect.js';
import { mapHiveError } from './errors.js';
import { HIVE_MAX_DECIMAL_PRECISION, hiveType } from './type-map.js';

/**
 * Hive over HiveServer2 (verified on Spark's Thrift Server). No multi-statement transactions and no
 * atomic multi-table rename: results are staged as Parquet files under an EXTERNAL staging table, and one
 * INSERT … SELECT makes them visible (`externalStaging`). Names are case-insensitive and at most 128
 * characters (counted as bytes, the stricter reading); Spark keeps timestamps to the microsecond.
 */
export const HIVE_CAPABILITIES = capabilities({
  transactionalDdl: false,
  atomicMultiRename: false,
  externalStaging: true,
  acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
  maxIdentifierBytes: 128,
  identifierCase: 'insensitive',
  maxDecimalPrecision: HIVE_MAX_DECIMAL_PRECISION,
  finestTimeUnit: 'us',
  defaultNamespace: undefined,
});

export function hiveTarget(config: HiveConfig): Target {
  return Object.freeze({
    kind: 'hive',
    capabilities: HIVE_CAPABILITIES,
    dialect: hiveDialect,
    mapType: hiveType,
    loadMethod: (format: ResultFormat) =>
      format === 'pqt'
        ? 'Parquet part files copied to the staging folder (converted where Hive cannot read a column as is), EXTERNAL staging table, INSERT … SELECT'
        : `${format} converted to Parquet in the staging folder, EXTERNAL staging table, INSERT … SELECT`,
    /** `path` is `[database]`; without one, the connection's database (always spelled out, for the lock). */
    resolveTable(path: readonly string[], table: string): TableRef {
      if (path.length > 1 || path.some((p) => p.length === 0)) {
        throw new JobpubError('USAGE', 'a Hive path is [database]: one non-empty name');
      }
      return { namespace: path[0] ?? config.database, name: table };
    },
    async connect() {
      const { openConnection } = await import('./connection.js');
      return openConnection(config);
    },
    mapError: (error: unknown) => mapHiveError(error),
  });
}
