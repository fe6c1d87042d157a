import type { TableDescription } from '../domain/schema/compat.js';
import type { JobpubError } from '../errors/index.js';
import type { OpenedResults } from '../formats/reader.js';
import type { PlannedColumn } from '../publish/plan.js';
import type { TableRef } from './ddl/nodes.js';
import type { TargetProfile } from './profile.js';

export interface LoadRequest {
  readonly into: TableRef;
  readonly columns: readonly PlannedColumn[];
  readonly results: OpenedResults;
  /** Called as rows go in: rows written so far, bytes read so far. */
  readonly onProgress: (rows: number, bytes: number) => void;
}

/** One open connection to a target, used by one publish at a time. */
export interface TargetConnection {
  /** The table's columns, or undefined when it does not exist. */
  describeTable(table: TableRef): Promise<TableDescription | undefined>;
  /** Names of the tables in a namespace (undefined: the default one). */
  listTables(namespace: string | undefined): Promise<string[]>;
  execute(sql: string): Promise<void>;
  countRows(table: TableRef): Promise<number>;
  /** Bulk-loads every row of the results into `into`; answers the rows written. */
  load(request: LoadRequest): Promise<number>;
  /** Waits until this connection holds `key` (other publishes on the same target wait); see unlock. */
  lock(key: string): Promise<void>;
  unlock(key: string): Promise<void>;
  /** Whether a publish with this session id still runs (holds its session lock) somewhere. */
  sessionAlive(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A target: its pure profile, plus how to connect and how to read its errors. */
export interface Target extends TargetProfile {
  /** The namespace a publish goes to, from the API's `path` (and a `schema.table` name where allowed). */
  resolveTable(path: readonly string[], table: string): TableRef;
  connect(): Promise<TargetConnection>;
  /** A driver error as a coded JobpubError (terminal or transient), by SQLSTATE / vendor code. */
  mapError(error: unknown): JobpubError;
}
