import type { TargetConfig } from './config.js';
import type { Target } from './contract.js';

/**
 * The targets, by kind. Each is loaded only when used, so a missing optional driver does not stop the
 * rest (STYLE: inject clients, load drivers lazily).
 */
export async function createTarget(config: TargetConfig): Promise<Target> {
  switch (config.kind) {
    case 'postgres':
      return (await import('./postgres/target.js')).postgresTarget(config);
    case 'mysql':
      return (await import('./mysql/target.js')).mysqlTarget(config);
    case 'duckdb':
      return (await import('./duckdb/target.js')).duckdbTarget(config);
    case 'hive':
      return (await import('./hive/target.js')).hiveTarget(config);
    case 'redshift':
      return (await import('./redshift/target.js')).redshiftTarget(config);
  }
}
