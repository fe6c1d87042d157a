import { sessionLockKey, stagingName, stagingSession } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import type { HiveConfig } from '../config.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { hiveDialect, qualified } from './dialect.js';
import { mapHiveError } from './errors.js';
import { Hs2Session, type QueryResult } from './hs2.js';
import { describeTable, listTables } from './introspect.js';
import { stageResults } from './loader.js';
import { acquire, isHeld, release } from './locks.js';
import { openStagingStore, type StagingStore } from './staging-store.js';
import { lockDatabase, TableLocks } from './table-lock.js';

/**
 * Settings every session runs with: UTC, so a timestamp is stored and read as its UTC wall-clock time
 * whatever the server's zone; and Spark's strict (ANSI) store assignment, so an INSERT that would
 * overflow a column fails instead of writing NULL. (Apache Hive ignores the spark.* keys.)
 */
export const SESSION_CONFIGURATION: Readonly<Record<string, string>> = {
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.storeAssignmentPolicy': 'ANSI',
};

/** TBLPROPERTIES key of a `jobpub_new_<session>` table: the table it replaces (UTF-8 name, hex). */
export const REPLACES_PROPERTY = 'jobpub.replaces';

/** `0f8fad5b…` (32 hex digits) as a session id `0f8fad5b-d9cb-…`. */
const sessionOfHex = (h: string) =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

export async function openConnection(config: HiveConfig): Promise<HiveConnection> {
  const store = openStagingStore(config);
  const session = await Hs2Session.open({
    host: config.host,
    port: config.port,
    transport: config.transport,
    auth: config.auth,
    user: config.user,
    password: config.password,
    database: config.database,
    configuration: SESSION_CONFIGURATION,
  }).catch(async (e: unknown) => {
    await store.close();
    throw mapHiveError(e, 'connecting');
  });
  const lockSession = () =>
    Hs2Session.open({
      host: config.host,
      port: config.port,
      transport: config.transport,
      auth: config.auth,
      user: config.user,
      password: config.password,
      database: config.database,
      configuration: SESSION_CONFIGURATION,
    });
  return new HiveConnection(
    session,
    `${config.host}:${config.port}`,
    config.database,
    store,
    new TableLocks(lockSession),
  );
}

export class HiveConnection implements TargetConnection {
  readonly #held = new Set<string>();
  /** Staging folders this connection made (names): removed when it closes (their tables are dropped by then). */
  readonly #folders = new Set<string>();

  constructor(
    private readonly session: Hs2Session,
    private readonly server: string,
    private readonly database: string,
    private readonly store: StagingStore,
    private readonly locks: TableLocks,
  ) {}

  async #q(sql: string, context = ''): Promise<QueryResult> {
    try {
      return await this.session.query(sql);
    } catch (e) {
      throw mapHiveError(e, context);
    }
  }

  describeTable(table: TableRef): Promise<TableDescription | undefined> {
    return describeTable((s) => this.session.query(s), table).catch((e: unknown) => {
      throw mapHiveError(e, `describing ${qualified(table)}`);
    });
  }

  /**
   * The tables of a database, after settling what crashed publishes left there (see #settle): the
   * executor's leftover sweep starts with this list, so an orphaned `jobpub_old_<session>` whose table is
   * missing is renamed back before the sweep could drop it.
   */
  async listTables(namespace: string | undefined): Promise<string[]> {
    const db = namespace ?? this.database;
    const list = () =>
      listTables((s) => this.session.query(s), db).catch((e: unknown) => {
        throw mapHiveError(e, 'listing tables');
      });
    const names = await list();
    return (await this.#settle(db, names)) ? list() : names;
  }

  /**
   * Crash recovery of a column-changing dropAndLoad (planner: `jobpub_new_<s>` filled completely, then
   * `t → jobpub_old_<s>`, `jobpub_new_<s> → t`, drop `jobpub_old_<s>`). For a session that no longer runs:
   * - `jobpub_old_<s>` and its table missing: the process died between the two renames. The old table is
   *   renamed back (the table it replaces is in `jobpub_new_<s>`'s TBLPROPERTIES `jobpub.replaces`, hex).
   *   With its table present, the swap had completed: the executor's sweep drops it as before.
   * - `jobpub_new_<s>` (never renamed into place): dropped, after the old table was put back.
   * - `jobpub_lock_…` views of a process of this host that is gone: dropped (table-lock.ts).
   * Answers whether anything changed.
   */
  async #settle(db: string, names: readonly string[]): Promise<boolean> {
    const present = new Set(names.map((n) => n.toLowerCase()));
    let changed = (await this.locks.sweep(db, names)) > 0;
    const dead = new Map<string, boolean>();
    const isDead = async (hex: string) => {
      let d = dead.get(hex);
      if (d === undefined) {
        d = !(await this.sessionAlive(sessionOfHex(hex)));
        dead.set(hex, d);
      }
      return d;
    };
    for (const name of names) {
      const m = /^jobpub_old_([0-9a-f]{32})$/.exec(name.toLowerCase());
      if (!m || !(await isDead(m[1]!))) continue;
      const fresh = `jobpub_new_${m[1]}`;
      if (!present.has(fresh)) continue;
      const original = await this.#replaces({ namespace: db, name: fresh });
      if (original === undefined || present.has(original.toLowerCase())) continue;
      await this.#q(
        hiveDialect.renameTable!(
          qualified({ namespace: db, name }),
          qualified({ namespace: db, name: original }),
        ),
        `putting ${qualified({ namespace: db, name: original })} back after a crashed dropAndLoad`,
      );
      present.add(original.toLowerCase());
      changed = true;
    }
    for (const name of names) {
      const m = /^jobpub_new_([0-9a-f]{32})$/.exec(name.toLowerCase());
      if (!m || !(await isDead(m[1]!))) continue;
      await this.#q(
        `DROP TABLE IF EXISTS ${qualified({ namespace: db, name })}`,
        'dropping a leftover table',
      );
      changed = true;
    }
    return changed;
  }

  /** The table a `jobpub_new_<s>` table was made to replace (its `jobpub.replaces` property, hex). */
  async #replaces(table: TableRef): Promise<string | undefined> {
    const res = await this.#q(`SHOW TBLPROPERTIES ${qualified(table)}`, `reading ${qualified(table)}`);
    const row = res.rows.find((r) => String(r[0] ?? '').trim() === REPLACES_PROPERTY);
    const hex = row ? String(row[1] ?? '').trim() : '';
    return /^([0-9a-f]{2})+$/.test(hex) ? Buffer.from(hex, 'hex').toString('utf8') : undefined;
  }

  async execute(sql: string): Promise<void> {
    // The executor's BEGIN / COMMIT / ROLLBACK: Hive has no multi-statement transactions on these
    // tables, and the plan for a target without transactional DDL never relies on them.
    if (/^(BEGIN|COMMIT|ROLLBACK)$/.test(sql)) return;
    await this.#q(sql);
  }

  async countRows(table: TableRef): Promise<number> {
    this.locks.check();
    const res = await this.#q(
      `SELECT COUNT(*) FROM ${qualified(table)}`,
      `counting rows of ${qualified(table)}`,
    );
    return Number(res.rows[0]?.[0] ?? Number.NaN);
  }

  async load(request: LoadRequest): Promise<number> {
    this.locks.check();
    await this.#sweepFolders();
    this.#folders.add(request.into.name);
    try {
      return await stageResults((s) => this.#q(s).then(() => {}), this.store, request);
    } catch (e) {
      throw mapHiveError(e, `staging ${qualified(request.into)}`);
    }
  }

  /**
   * A keyed mutex in this process first (publishes of one service queue without asking the server), then,
   * for a table key, the metastore lock of table-lock.ts, which serializes publishes of other processes
   * and hosts to the same table.
   */
  async lock(key: string): Promise<void> {
    await acquire(this.server, key);
    this.#held.add(key);
    const db = lockDatabase(key, this.database);
    if (db === undefined) return;
    try {
      await this.locks.acquire(key, db);
    } catch (e) {
      this.#held.delete(key);
      release(this.server, key);
      throw mapHiveError(e, `locking ${key.slice('table:'.length)}`);
    }
  }

  async unlock(key: string): Promise<void> {
    if (!this.#held.delete(key)) return;
    try {
      await this.locks.release(key);
    } finally {
      release(this.server, key);
    }
  }

  /** A publish of this process holds its session key; one of another process owns its staging folder. */
  async sessionAlive(sessionId: string): Promise<boolean> {
    if (isHeld(this.server, sessionLockKey(sessionId))) return true;
    return this.store.ownerAlive(stagingName(sessionId, 'stg'));
  }

  /**
   * Staging folders of publishes that no longer run (crashed or killed): their tables were dropped by the
   * executor's leftover sweep; the files go here, before this publish stages its own. Several publishes
   * (of this or other processes) may sweep at once: the store makes removing one folder twice harmless
   * (staging-store.ts). Best effort: a folder that cannot be checked or removed now is tried again by the
   * next sweep, and never fails this publish.
   */
  async #sweepFolders(): Promise<void> {
    const names = await this.store.listFolders().catch(() => [] as string[]);
    for (const name of names) {
      const owner = stagingSession(name);
      if (owner === undefined) continue;
      try {
        if (await this.sessionAlive(owner)) continue;
        await this.store.removeFolder(name);
      } catch {
        // tried again by the next sweep
      }
    }
  }

  async close(): Promise<void> {
    await this.locks.close().catch(() => {});
    for (const key of this.#held) release(this.server, key);
    this.#held.clear();
    for (const folder of this.#folders) await this.store.removeFolder(folder).catch(() => {});
    this.#folders.clear();
    await this.store.close().catch(() => {});
    await this.session.close().catch(() => {});
  }
}
