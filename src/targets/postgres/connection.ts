import type { Client } from 'pg';
import { sessionLockKey } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import { qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';
import { pgDialect } from './dialect.js';
import { mapPgError } from './errors.js';
import { describeTable, listTables } from './introspect.js';
import { copyLoad } from './loader.js';

/**
 * Advisory-lock keys: a 64-bit hash of `jobpub:<key>`, so jobpub's locks do not meet other applications'
 * small integer keys. Session-level locks: they end with the connection, so a crashed publish frees them.
 */
const LOCK_ID = "hashtextextended('jobpub:' || $1, 0)";

/**
 * The executor locks sessionLockKey(id) for the life of a publish (src/publish/executor.ts); a staging table's
 * owner is alive exactly while some connection holds that lock.
 */

/** One pg Client, for one publish. Every error leaves here as a coded JobpubError. */
export class PgConnection implements TargetConnection {
  constructor(private readonly client: Client) {}

  private async run<R extends object>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.client.query<R>(text, values)).rows;
    } catch (e) {
      throw mapPgError(e);
    }
  }

  async describeTable(table: TableRef): Promise<TableDescription | undefined> {
    try {
      return await describeTable(this.client, table);
    } catch (e) {
      throw mapPgError(e);
    }
  }

  async listTables(namespace: string | undefined): Promise<string[]> {
    try {
      return await listTables(this.client, namespace);
    } catch (e) {
      throw mapPgError(e);
    }
  }

  async execute(sql: string): Promise<void> {
    await this.run(sql);
  }

  async countRows(table: TableRef): Promise<number> {
    const rows = await this.run<{ n: string }>(`SELECT count(*) AS n FROM ${qualify(pgDialect, table)}`);
    return Number(rows[0]?.n ?? 0);
  }

  load(request: LoadRequest): Promise<number> {
    return copyLoad(this.client, request);
  }

  async lock(key: string): Promise<void> {
    await this.run(`SELECT pg_advisory_lock(${LOCK_ID})`, [key]);
  }

  async unlock(key: string): Promise<void> {
    await this.run(`SELECT pg_advisory_unlock(${LOCK_ID})`, [key]);
  }

  /**
   * Alive while another connection holds the session's lock. If we can take it, nobody holds it (the
   * publish ended or crashed): release it at once and answer false. Our own session lock is re-entrant,
   * so the executor never asks about its own session (its staging names do not exist yet at that point).
   */
  async sessionAlive(sessionId: string): Promise<boolean> {
    const rows = await this.run<{ got: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_ID}) AS got`, [
      sessionLockKey(sessionId),
    ]);
    if (!rows[0]?.got) return true;
    await this.run(`SELECT pg_advisory_unlock(${LOCK_ID})`, [sessionLockKey(sessionId)]);
    return false;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
