import { JobpubError } from '../../errors/index.js';
import { capabilities } from '../capabilities.js';
import type { MysqlConfig } from '../config.js';
import type { Target } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { openConnection } from './connection.js';
import { mysqlDialect } from './dialect.js';
import { mapMysqlError } from './errors.js';
import { MYSQL_MAX_DECIMAL_PRECISION, mysqlType } from './type-map.js';

/**
 * MySQL / MariaDB. Every DDL statement commits, so publishes go through a staging table swapped in with
 * one atomic multi-table RENAME TABLE, or appended with INSERT … SELECT inside one InnoDB transaction.
 * Column names are case-insensitive; identifiers hold 64 characters (counted here as 64 bytes, the
 * stricter reading); datetime and time keep microseconds.
 */
export const MYSQL_CAPABILITIES = capabilities({
  transactionalDdl: false,
  atomicMultiRename: true,
  acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
  maxIdentifierBytes: 64,
  identifierCase: 'insensitive',
  maxDecimalPrecision: MYSQL_MAX_DECIMAL_PRECISION,
  finestTimeUnit: 'us',
  defaultNamespace: undefined,
});

export function mysqlTarget(config: MysqlConfig): Target {
  return Object.freeze({
    kind: 'mysql',
    capabilities: MYSQL_CAPABILITIES,
    dialect: mysqlDialect,
    mapType: mysqlType,
    loadMethod: () => 'LOAD DATA LOCAL INFILE from a stream (INSERT batches when local_infile is off)',
    /**
     * `path` is `[database]`; without one, the connection's database. The namespace is always spelled out,
     * so two publishes to the same table take the same lock whichever way they named it.
     */
    resolveTable(path: readonly string[], table: string): TableRef {
      if (path.length > 1 || path.some((p) => p.length === 0)) {
        throw new JobpubError('USAGE', 'a MySQL path is [database]: one non-empty name');
      }
      return { namespace: path[0] ?? config.database, name: table };
    },
    connect: () => openConnection(config),
    mapError: (error: unknown) => mapMysqlError(error),
  });
}
