import type { DuckDBConnection } from '@duckdb/node-api';
import { sessionLockKey } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import { qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';
import { acquire, isHeld, release } from '../locks.js';
import { duckdbDialect } from './dialect.js';
import { acquireInstance, releaseInstance } from './instances.js';
import { DEFAULT_SCHEMA, describeTable, listTables } from './introspect.js';
import { loadInto } from './loader.js';

/** The executor's session lock key (src/publish/executor.ts): held for as long as a publish runs. */

/**
 * One publish's connection: its own DuckDB connection on the process-wide instance of the file, opened
 * here and let go in close() (the file is closed when no publish in this process uses it).
 */
export async function openConnection(file: string, busyTimeoutMs: number): Promise<TargetConnection> {
  const instance = await acquireInstance(file, busyTimeoutMs);
  try {
    return new DuckdbConnection(file, await instance.connect());
  } catch (e) {
    releaseInstance(file);
    throw e;
  }
}

class DuckdbConnection implements TargetConnection {
  private readonly held = new Set<string>();
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly conn: DuckDBConnection,
  ) {}

  describeTable(table: TableRef): Promise<TableDescription | undefined> {
    return describeTable(this.conn, table);
  }

  listTables(namespace: string | undefined): Promise<string[]> {
    return listTables(this.conn, namespace);
  }

  async execute(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async countRows(table: TableRef): Promise<number> {
    const ref = { namespace: table.namespace ?? DEFAULT_SCHEMA, name: table.name };
    const reader = await this.conn.runAndReadAll(`SELECT count(*) FROM ${qualify(duckdbDialect, ref)}`);
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  load(request: LoadRequest): Promise<number> {
    return loadInto(this.conn, request);
  }

  async lock(key: string): Promise<void> {
    await acquire(this.file, key);
    this.held.add(key);
  }

  async unlock(key: string): Promise<void> {
    if (this.held.delete(key)) release(this.file, key);
  }

  /**
   * Only one process can have the file open, so a staging table in it belongs to a publish of this
   * process or to a dead one. Publishes of this process hold their session key until they end.
   */
  async sessionAlive(sessionId: string): Promise<boolean> {
    return isHeld(this.file, sessionLockKey(sessionId));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const key of this.held) release(this.file, key);
    this.held.clear();
    try {
      // Disconnecting rolls back a transaction still open (a publish that died mid-way).
      this.conn.closeSync();
    } finally {
      releaseInstance(this.file);
    }
  }
}
