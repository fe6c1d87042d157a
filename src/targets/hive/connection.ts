import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionLockKey, stagingName, stagingSession } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import { JobpubError } from '../../errors/index.js';
import type { HiveConfig } from '../config.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import type { TableRef } from '../ddl/nodes.js';
import { qualified } from './dialect.js';
import { mapHiveError } from './errors.js';
import { Hs2Session, type QueryResult } from './hs2.js';
import { describeTable, listTables } from './introspect.js';
import { type StagingArea, stageResults } from './loader.js';
import { acquire, isHeld, ownerAlive, release } from './locks.js';

/**
 * Settings every session runs with: UTC, so a timestamp is stored and read as its UTC wall-clock time
 * whatever the server's zone; and Spark's strict (ANSI) store assignment, so an INSERT that would
 * overflow a column fails instead of writing NULL. (Apache Hive ignores the spark.* keys.)
 */
export const SESSION_CONFIGURATION: Readonly<Record<string, string>> = {
  'spark.sql.session.timeZone': 'UTC',
  'spark.sql.storeAssignmentPolicy': 'ANSI',
};

/** The local folder of a `file://` staging URI; other schemes come with their storage connection. */
export function stagingArea(uri: string): StagingArea {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new JobpubError('USAGE', 'the Hive staging location is not a URI (expected file:///absolute/path)');
  }
  if (url.protocol === 'file:') return { root: fileURLToPath(url) };
  throw new JobpubError(
    'USAGE',
    `Hive staging on ${url.protocol}// is not available yet: use a file:// folder the Hive server also sees`,
  );
}

export async function openConnection(config: HiveConfig): Promise<HiveConnection> {
  const area = stagingArea(config.stagingUri);
  const session = await Hs2Session.open({
    host: config.host,
    port: config.port,
    transport: config.transport,
    auth: config.auth,
    user: config.user,
    password: config.password,
    database: config.database,
    configuration: SESSION_CONFIGURATION,
  }).catch((e: unknown) => {
    throw mapHiveError(e, 'connecting');
  });
  return new HiveConnection(session, `${config.host}:${config.port}`, config.database, area);
}

export class HiveConnection implements TargetConnection {
  readonly #held = new Set<string>();
  /** Staging folders this connection made: removed when it closes (their tables are dropped by then). */
  readonly #folders = new Set<string>();

  constructor(
    private readonly session: Hs2Session,
    private readonly server: string,
    private readonly database: string,
    private readonly area: StagingArea,
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

  listTables(namespace: string | undefined): Promise<string[]> {
    return listTables((s) => this.session.query(s), namespace ?? this.database).catch((e: unknown) => {
      throw mapHiveError(e, 'listing tables');
    });
  }

  async execute(sql: string): Promise<void> {
    // The executor's BEGIN / COMMIT / ROLLBACK: Hive has no multi-statement transactions on these
    // tables, and the plan for a target without transactional DDL never relies on them.
    if (/^(BEGIN|COMMIT|ROLLBACK)$/.test(sql)) return;
    await this.#q(sql);
  }

  async countRows(table: TableRef): Promise<number> {
    const res = await this.#q(
      `SELECT COUNT(*) FROM ${qualified(table)}`,
      `counting rows of ${qualified(table)}`,
    );
    return Number(res.rows[0]?.[0] ?? Number.NaN);
  }

  async load(request: LoadRequest): Promise<number> {
    await this.#sweepFolders();
    this.#folders.add(path.join(this.area.root, request.into.name));
    try {
      return await stageResults((s) => this.#q(s).then(() => {}), this.area, request);
    } catch (e) {
      throw mapHiveError(e, `staging ${qualified(request.into)}`);
    }
  }

  async lock(key: string): Promise<void> {
    await acquire(this.server, key);
    this.#held.add(key);
  }

  async unlock(key: string): Promise<void> {
    if (this.#held.delete(key)) release(this.server, key);
  }

  /** A publish of this process holds its session key; one of another process owns its staging folder. */
  async sessionAlive(sessionId: string): Promise<boolean> {
    if (isHeld(this.server, sessionLockKey(sessionId))) return true;
    return ownerAlive(path.join(this.area.root, stagingName(sessionId, 'stg')));
  }

  /**
   * Staging folders of publishes that no longer run (crashed or killed): their tables were dropped by the
   * executor's leftover sweep; the files go here, before this publish stages its own.
   */
  async #sweepFolders(): Promise<void> {
    const names = await readdir(this.area.root).catch(() => [] as string[]);
    for (const name of names) {
      const owner = stagingSession(name);
      if (owner === undefined || (await this.sessionAlive(owner))) continue;
      await rm(path.join(this.area.root, name), { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    for (const key of this.#held) release(this.server, key);
    this.#held.clear();
    for (const folder of this.#folders) await rm(folder, { recursive: true, force: true }).catch(() => {});
    this.#folders.clear();
    await this.session.close().catch(() => {});
  }
}
