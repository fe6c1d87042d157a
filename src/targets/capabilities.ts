import type { ResultFormat } from '../formats/reader.js';

/**
 * What a target can do. Shared code (planner, executor) branches on these flags, never on a target's
 * name. Defaults are the safe choice: assume nothing a target has not declared.
 */
export interface TargetCapabilities {
  /** CREATE/DROP/ALTER run inside a transaction and roll back with it (PostgreSQL, DuckDB). */
  readonly transactionalDdl: boolean;
  /** Several tables can be renamed in one atomic statement (MySQL `RENAME TABLE a TO b, c TO d`). */
  readonly atomicMultiRename: boolean;
  /**
   * Rows reach the target as files in a staging folder under an EXTERNAL staging table (Hive): the
   * connection's load() writes the files and creates that table, and one INSERT … SELECT from it (INTO, or
   * OVERWRITE for replacing rows) makes them visible. For targets with neither transactional DDL nor an
   * atomic multi-table rename.
   */
  readonly externalStaging: boolean;
  /** Result formats the target can publish (api.md, "accepted inputFormat"). */
  readonly acceptedFormats: readonly ResultFormat[];
  /** Longest identifier, in UTF-8 bytes. */
  readonly maxIdentifierBytes: number;
  /**
   * How the target compares column names: `exact` (quoted names are case-sensitive), or `insensitive`
   * (MySQL columns, DuckDB, Redshift): then two names equal but for case are one column, and refused.
   */
  readonly identifierCase: 'exact' | 'insensitive';
  /** Largest decimal precision a column can hold. */
  readonly maxDecimalPrecision: number;
  /** Finest timestamp/time unit the target keeps. */
  readonly finestTimeUnit: 'us' | 'ns';
  /** Where a namespace comes from when `path` is empty: a schema name, or the connection's database. */
  readonly defaultNamespace: string | undefined;
}

export const DEFAULT_CAPABILITIES: TargetCapabilities = {
  transactionalDdl: false,
  atomicMultiRename: false,
  externalStaging: false,
  acceptedFormats: [],
  maxIdentifierBytes: 63,
  identifierCase: 'insensitive',
  maxDecimalPrecision: 38,
  finestTimeUnit: 'us',
  defaultNamespace: undefined,
};

export function capabilities(overrides: Partial<TargetCapabilities>): TargetCapabilities {
  return Object.freeze({ ...DEFAULT_CAPABILITIES, ...overrides });
}
