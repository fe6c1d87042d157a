import type { S3Client } from '@aws-sdk/client-s3';
import { sessionLockKey } from '../../domain/publish/naming.js';
import type { TableDescription } from '../../domain/schema/compat.js';
import { createS3Client } from '../../storage/s3/client.js';
import type { S3Location } from '../../storage/s3/config.js';
import type { LoadRequest, TargetConnection } from '../contract.js';
import { qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';
import { acquire, isHeld, release } from '../locks.js';
import type { RedshiftConfig } from './config.js';
import { rsDialect } from './dialect.js';
import { mapRedshiftError } from './errors.js';
import { describeTable, listTables } from './introspect.js';
import { readLoadErrors } from './load-errors.js';
import { copyLoad } from './loader.js';
import { ownerAlive, sessionFolder } from './staging.js';

/** The subset of a pg Client the target uses; tests may wrap it (test/targets/redshift/seam.ts). */
export interface RedshiftClient {
  query<R extends object = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount?: number | null }>;
  end(): Promise<void>;
}

/** Opens one session on the cluster (UTC). */
export type OpenClient = (config: RedshiftConfig) => Promise<RedshiftClient>;

const SESSION_KEY = sessionLockKey('');

/**
 * One Redshift session, for one publish. Redshift has no advisory locks, so `lock(key)` is a keyed mutex in
 * this process per cluster and database (publishes of one service to one table queue); across processes,
 * a staging folder's owner file says who owns it, and Redshift's serializable isolation refuses the second
 * of two concurrent writers to one table (a transient error: the job is retried).
 */
export class RsConnection implements TargetConnection {
  private sessionId: string | undefined;
  private s3: Promise<S3Client> | undefined;
  private readonly held = new Set<string>();

  constructor(
    private readonly client: RedshiftClient,
    private readonly config: RedshiftConfig,
    private readonly openClient: OpenClient,
    /** `pg_backend_pid()`: the session the load-error tables name. */
    private readonly pid: number,
    private readonly openedAt: Date,
  ) {}

  private get server(): string {
    return `redshift://${this.config.host}:${this.config.port}/${this.config.database}`;
  }

  private async run<R extends object>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.client.query<R>(text, values)).rows;
    } catch (e) {
      throw mapRedshiftError(e);
    }
  }

  async describeTable(table: TableRef): Promise<TableDescription | undefined> {
    try {
      return await describeTable(this.client, table);
    } catch (e) {
      throw mapRedshiftError(e);
    }
  }

  async listTables(namespace: string | undefined): Promise<string[]> {
    try {
      return await listTables(this.client, namespace);
    } catch (e) {
      throw mapRedshiftError(e);
    }
  }

  async execute(sql: string): Promise<void> {
    await this.run(sql);
  }

  async countRows(table: TableRef): Promise<number> {
    const rows = await this.run<{ n: string }>(`SELECT count(*) AS n FROM ${qualify(rsDialect, table)}`);
    return Number(rows[0]?.n ?? 0);
  }

  load(request: LoadRequest): Promise<number> {
    // The executor takes the session lock before anything else; a load without one still gets its own id.
    const sessionId = this.sessionId ?? crypto.randomUUID();
    this.sessionId = sessionId;
    return copyLoad(
      {
        config: this.config,
        db: this.client,
        sessionId,
        s3: () => this.storage(),
        alive: (id, owner) => this.alive(id, owner),
        loadErrors: () => this.loadErrors(),
      },
      request,
    );
  }

  private storage(): Promise<S3Client> {
    this.s3 ??= createS3Client(this.config.s3);
    return this.s3;
  }

  /** A second session reads the load-error tables: the loading one's transaction is aborted. */
  private async loadErrors() {
    const side = await this.openClient(this.config);
    try {
      return await readLoadErrors(side, this.pid, this.openedAt);
    } finally {
      await side.end().catch(() => {});
    }
  }

  private async alive(sessionId: string, owner: S3Location): Promise<boolean> {
    if (isHeld(this.server, sessionLockKey(sessionId))) return true;
    return ownerAlive(await this.storage(), owner);
  }

  async lock(key: string): Promise<void> {
    if (key.startsWith(SESSION_KEY)) this.sessionId = key.slice(SESSION_KEY.length);
    await acquire(this.server, key);
    this.held.add(key);
  }

  async unlock(key: string): Promise<void> {
    if (!this.held.delete(key)) return;
    release(this.server, key);
  }

  /** Alive while a publish of this process holds its lock, or while its staging folder's owner runs. */
  async sessionAlive(sessionId: string): Promise<boolean> {
    if (isHeld(this.server, sessionLockKey(sessionId))) return true;
    const folder = sessionFolder(this.config.stagingUri, sessionId);
    return ownerAlive(await this.storage(), { bucket: folder.bucket, key: `${folder.key}/_jobpub_owner` });
  }

  async close(): Promise<void> {
    for (const key of this.held) release(this.server, key);
    this.held.clear();
    const s3 = this.s3;
    this.s3 = undefined;
    if (s3) (await s3.catch(() => undefined))?.destroy();
    await this.client.end();
  }
}
