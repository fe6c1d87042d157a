import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { JobpubError } from '../../errors/index.js';
import type { TableRef } from '../ddl/nodes.js';
import { qualified } from './dialect.js';
import { Hs2Error } from './errors.js';
import type { Hs2Session, QueryResult } from './hs2.js';

/**
 * Cross-process table locks for Hive: HiveServer2 has no advisory lock a client can take, but the
 * metastore creates a table or view atomically (a second CREATE of the same name fails). The lock of a
 * table `db.t` is a view `db.jobpub_lock_<sha256 of the lock key, 32 hex>` whose TBLPROPERTIES
 * `jobpub.lock` name its owner (host, pid, a random token, a heartbeat counter; JSON as hex, so no quoting).
 *
 * - acquire: `CREATE VIEW … AS SELECT 1`. When it exists, the owner is read and the call waits (polling)
 *   until the view is gone, or breaks it when its owner is dead: on this host, a pid that no longer runs;
 *   on another host, a heartbeat that has not changed for STALE_MS by this process's own clock (no clock
 *   is compared across hosts).
 * - while held: the heartbeat is bumped every HEARTBEAT_MS (`ALTER VIEW … SET TBLPROPERTIES`). If the view
 *   is found gone or owned by someone else, the lock is marked lost and the connection refuses to run
 *   more statements.
 * - release: `DROP VIEW` if the token is still ours.
 *
 * All statements go through one HiveServer2 session of their own (never queued behind a long INSERT),
 * one at a time.
 */
export const LOCK_PREFIX = 'jobpub_lock_';
export const LOCK_PROPERTY = 'jobpub.lock';
export const HEARTBEAT_MS = 10_000;
export const STALE_MS = 60_000;
const POLL_MS = 500;
/** SQLSTATE of "table or view already exists" (Spark TABLE_OR_VIEW_ALREADY_EXISTS). */
const ALREADY_EXISTS = '42P07';
/** SQLSTATEs of "no such table or view". */
const NO_SUCH_TABLE = new Set(['42P01', '42S02']);

export interface LockOwner {
  readonly host: string;
  readonly pid: number;
  readonly token: string;
  readonly beat: number;
  readonly key: string;
}

export const lockViewName = (key: string): string =>
  `${LOCK_PREFIX}${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;

/** The database of a `table:<db>.<table>` lock key (Hive database names hold no dots); undefined for other keys. */
export function lockDatabase(key: string, fallback: string): string | undefined {
  if (!key.startsWith('table:')) return undefined;
  const rest = key.slice('table:'.length);
  const dot = rest.indexOf('.');
  const db = dot < 0 ? '' : rest.slice(0, dot);
  return db === '' ? fallback : db;
}

const encode = (o: LockOwner): string => Buffer.from(JSON.stringify(o), 'utf8').toString('hex');

function decode(hex: string): LockOwner | undefined {
  if (!/^([0-9a-f]{2})+$/.test(hex)) return undefined;
  try {
    const o = JSON.parse(Buffer.from(hex, 'hex').toString('utf8')) as LockOwner;
    return typeof o.token === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Tokens of the locks this process holds now (every connection): a view of this pid with another token is stale. */
const HELD_TOKENS = new Set<string>();

/** An owner on this host whose process is gone (or this process, with a token none of its connections holds). */
export const deadHere = (o: LockOwner): boolean =>
  o.host === hostname() && (o.pid === process.pid ? !HELD_TOKENS.has(o.token) : !pidAlive(o.pid));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noSuchTable = (e: unknown) => e instanceof Hs2Error && NO_SUCH_TABLE.has(e.sqlState ?? '');

interface Held {
  readonly view: TableRef;
  owner: LockOwner;
  readonly timer: NodeJS.Timeout;
  lost?: string;
}

export class TableLocks {
  #session: Promise<Hs2Session> | undefined;
  /** Statements of the lock session, one at a time. */
  #chain: Promise<unknown> = Promise.resolve();
  readonly #held = new Map<string, Held>();

  readonly #heartbeatMs: number;
  readonly #staleMs: number;

  constructor(
    private readonly open: () => Promise<Hs2Session>,
    timing: { readonly heartbeatMs?: number; readonly staleMs?: number } = {},
  ) {
    this.#heartbeatMs = timing.heartbeatMs ?? HEARTBEAT_MS;
    this.#staleMs = timing.staleMs ?? STALE_MS;
  }

  #q(sql: string): Promise<QueryResult> {
    const run = this.#chain.then(async () => {
      this.#session ??= this.open();
      return (await this.#session).query(sql);
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  /** The owner a lock view names; undefined when the view does not exist (or names none). */
  async owner(view: TableRef): Promise<LockOwner | undefined | 'missing'> {
    let res: QueryResult;
    try {
      res = await this.#q(`SHOW TBLPROPERTIES ${qualified(view)}`);
    } catch (e) {
      if (noSuchTable(e)) return 'missing';
      throw e;
    }
    const row = res.rows.find((r) => String(r[0] ?? '').trim() === LOCK_PROPERTY);
    return row ? decode(String(row[1] ?? '').trim()) : undefined;
  }

  /** Waits until this process holds the lock of `key` in database `db` (see the module comment). */
  async acquire(key: string, db: string): Promise<void> {
    const view: TableRef = { namespace: db, name: lockViewName(key) };
    const owner: LockOwner = {
      host: hostname(),
      pid: process.pid,
      token: randomBytes(8).toString('hex'),
      beat: 0,
      key,
    };
    /** The other owner's token and heartbeat as last seen, and when (this process's clock) they last changed. */
    let seen: { token: string; beat: number; since: number } | undefined;
    for (;;) {
      try {
        await this.#q(
          `CREATE VIEW ${qualified(view)} TBLPROPERTIES ('${LOCK_PROPERTY}'='${encode(owner)}') AS SELECT 1 AS locked`,
        );
        break;
      } catch (e) {
        if (!(e instanceof Hs2Error) || e.transport) throw e;
        const other = await this.owner(view);
        if (other === 'missing') {
          if (e.sqlState === ALREADY_EXISTS) continue; // released between the two statements
          throw e; // not a lock conflict (no such database, no permission, …)
        }
        const token = other?.token ?? '';
        const beat = other?.beat ?? -1;
        if (!seen || seen.token !== token || seen.beat !== beat) seen = { token, beat, since: Date.now() };
        const dead = other !== undefined && deadHere(other);
        if (dead || Date.now() - seen.since > this.#staleMs) {
          await this.#break(view, token);
          seen = undefined;
          continue;
        }
        await sleep(POLL_MS);
      }
    }
    const timer = setInterval(() => void this.#beat(key).catch(() => {}), this.#heartbeatMs);
    timer.unref();
    this.#held.set(key, { view, owner, timer });
    HELD_TOKENS.add(owner.token);
  }

  /** Drops a lock view whose owner is dead, if it still names that owner (a narrow re-check). */
  async #break(view: TableRef, token: string): Promise<void> {
    const now = await this.owner(view);
    if (now === 'missing' || (now?.token ?? '') !== token) return;
    await this.#q(`DROP VIEW IF EXISTS ${qualified(view)}`);
  }

  async #beat(key: string): Promise<void> {
    const held = this.#held.get(key);
    if (!held || held.lost) return;
    const now = await this.owner(held.view);
    if (now === 'missing' || now?.token !== held.owner.token) {
      held.lost = `the lock ${qualified(held.view)} was taken over (its heartbeat was seen stopped)`;
      return;
    }
    const next = { ...held.owner, beat: held.owner.beat + 1 };
    await this.#q(
      `ALTER VIEW ${qualified(held.view)} SET TBLPROPERTIES ('${LOCK_PROPERTY}'='${encode(next)}')`,
    );
    held.owner = next;
  }

  /** Throws when a lock this process holds was taken over: nothing more may run under it. */
  check(): void {
    for (const h of this.#held.values()) {
      if (h.lost) throw new JobpubError('TARGET_UNAVAILABLE', `Hive: ${h.lost}; the publish stops here`);
    }
  }

  holds(key: string): boolean {
    return this.#held.has(key);
  }

  async release(key: string): Promise<void> {
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    HELD_TOKENS.delete(held.owner.token);
    clearInterval(held.timer);
    const now = await this.owner(held.view);
    if (now !== 'missing' && now?.token === held.owner.token) {
      await this.#q(`DROP VIEW IF EXISTS ${qualified(held.view)}`);
    }
  }

  /** Lock views in `names` (of database `db`) whose owner is dead on this host: dropped. Answers how many. */
  async sweep(db: string, names: readonly string[]): Promise<number> {
    let n = 0;
    for (const name of names) {
      if (!name.toLowerCase().startsWith(LOCK_PREFIX)) continue;
      const view = { namespace: db, name };
      const o = await this.owner(view);
      if (o === 'missing' || o === undefined || !deadHere(o)) continue;
      await this.#break(view, o.token);
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    for (const key of [...this.#held.keys()]) await this.release(key).catch(() => {});
    const s = this.#session;
    this.#session = undefined;
    if (s) await (await s.catch(() => undefined))?.close().catch(() => {});
  }
}
