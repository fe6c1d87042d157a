import { createHash } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { sessionLockKey } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import { JobpubError } from '../../errors/index.js';
import type { MysqlConfig } from '../config.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { qualified } from './dialect.js';
import { isLocalInfileRefused, mapMysqlError } from './errors.js';
import { insertRows } from './insert.js';
import { describeTable, listTables, type Query } from './introspect.js';
import { loadData } from './loader.js';

/**
 * Every session runs strict (a bad value in INSERT … SELECT is an error, not a zero), in UTC (TIMESTAMP
 * columns convert through the session time zone; datetime holds the UTC wall-clock time jobpub writes),
 * in utf8mb4 with a binary collation, and creates InnoDB tables (transactions for the append path; the
 * shared CREATE TABLE has no table-options hook, so the engine comes from the session default).
 */
export const SESSION_SETUP = [
  "SET NAMES utf8mb4 COLLATE utf8mb4_bin, time_zone = '+00:00', autocommit = 1, default_storage_engine = 'InnoDB'",
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
];

/** Seconds one GET_LOCK waits before lock() asks again (it waits until it holds the lock). */
const LOCK_WAIT_SECONDS = 10;
const LOCK_PREFIX = 'jobpub:';
/** MySQL user-lock names are at most 64 characters. */
const LOCK_NAME_MAX = 64;

/**
 * The server-wide name of a lock key: `jobpub:<key>`, or, when that is too long, `jobpub:#` and a hash of
 * the key. lock() and sessionAlive() both go through here, so a session's lock is found by its name.
 */
export function lockName(key: string): string {
  const name = `${LOCK_PREFIX}${key}`;
  if (Buffer.byteLength(name, 'utf8') <= LOCK_NAME_MAX) return name;
  return `${LOCK_PREFIX}#${createHash('sha256')
    .update(key, 'utf8')
    .digest('hex')
    .slice(0, LOCK_NAME_MAX - LOCK_PREFIX.length - 1)}`;
}

export async function openConnection(config: MysqlConfig): Promise<MysqlConnection> {
  const mysql = await import('mysql2/promise');
  const conn = await mysql.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
    ...(config.password !== undefined ? { password: config.password } : {}),
    ...(config.ssl ? { ssl: {} } : {}),
    charset: 'UTF8MB4_BIN',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    multipleStatements: false,
    connectTimeout: 15_000,
  });
  try {
    for (const s of SESSION_SETUP) await conn.query(s);
    const [rows] = await conn.query<RowDataPacket[]>('SELECT @@lower_case_table_names AS l');
    return new MysqlConnection(conn, Number(rows[0]?.l ?? 0) === 0);
  } catch (e) {
    conn.destroy();
    throw e;
  }
}

export class MysqlConnection implements TargetConnection {
  readonly #q: Query;
  #localInfile = true;

  /** `exactNames`: table names compare case-sensitively (lower_case_table_names = 0, the Linux default). */
  constructor(
    private readonly conn: Connection,
    private readonly exactNames: boolean,
  ) {
    this.#q = async (sql, params) => (await conn.query<RowDataPacket[]>(sql, params as (string | null)[]))[0];
  }

  async #run<T>(context: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw mapMysqlError(e, context);
    }
  }

  describeTable(table: TableRef): Promise<TableDescription | undefined> {
    return this.#run(`describing ${qualified(table)}`, () => describeTable(this.#q, table, this.exactNames));
  }

  listTables(namespace: string | undefined): Promise<string[]> {
    return this.#run('listing tables', () => listTables(this.#q, namespace, this.exactNames));
  }

  async execute(sql: string): Promise<void> {
    await this.#run('', () => this.conn.query(sql));
  }

  countRows(table: TableRef): Promise<number> {
    return this.#run(`counting rows of ${qualified(table)}`, async () => {
      const [rows] = await this.conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${qualified(table)}`);
      return Number(rows[0]?.n);
    });
  }

  /** LOAD DATA LOCAL, or multi-row INSERTs once the server has refused it (local_infile off). */
  load(request: LoadRequest): Promise<number> {
    return this.#run(`loading ${qualified(request.into)}`, async () => {
      if (this.#localInfile) {
        try {
          return await loadData(this.conn, request);
        } catch (e) {
          if (!isLocalInfileRefused(e)) throw e;
          this.#localInfile = false;
        }
      }
      return insertRows(this.conn, request);
    });
  }

  /** GET_LOCK waits at most LOCK_WAIT_SECONDS; 0 means it timed out, so ask again until it is ours. */
  async lock(key: string): Promise<void> {
    const name = lockName(key);
    await this.#run(`taking lock ${name}`, async () => {
      for (;;) {
        const [rows] = await this.conn.query<RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS got', [
          name,
          LOCK_WAIT_SECONDS,
        ]);
        const got = rows[0]?.got;
        if (Number(got) === 1) return;
        if (got === null || got === undefined)
          throw new JobpubError('TARGET_UNAVAILABLE', `MySQL: GET_LOCK('${name}') failed`);
      }
    });
  }

  async unlock(key: string): Promise<void> {
    await this.#run('releasing a lock', () => this.conn.query('SELECT RELEASE_LOCK(?)', [lockName(key)]));
  }

  /** The executor's session lock (sessionLockKey); its name is found through the same lockName(). */
  sessionAlive(sessionId: string): Promise<boolean> {
    return this.#run('checking a session lock', async () => {
      const [rows] = await this.conn.query<RowDataPacket[]>('SELECT IS_USED_LOCK(?) IS NOT NULL AS used', [
        lockName(sessionLockKey(sessionId)),
      ]);
      return Number(rows[0]?.used) === 1;
    });
  }

  async close(): Promise<void> {
    try {
      await this.conn.end();
    } catch {
      this.conn.destroy();
    }
  }
}
