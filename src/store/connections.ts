import type { Db, Row } from './db.js';
import { bool, json, now, type PageQuery, page } from './paging.js';

export interface ConnectionRecord {
  readonly id: number;
  readonly name: string;
  readonly vendor: string;
  readonly type: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly ssl: boolean;
  readonly params: Record<string, unknown>;
  readonly credentialType: string;
  /** AES-256-GCM sealed JSON of the credentials; never leaves the service. */
  readonly credentialsSealed: string | null;
  readonly isGlobal: boolean;
  readonly description: string;
  readonly creatorId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

export type ConnectionFields = Omit<
  ConnectionRecord,
  'id' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'creatorId'
>;

const connection = (r: Row): ConnectionRecord => ({
  id: Number(r.id),
  name: String(r.name),
  vendor: String(r.vendor),
  type: String(r.type),
  host: (r.host as string | null) ?? null,
  port: r.port === null || r.port === undefined ? null : Number(r.port),
  ssl: bool(r.ssl),
  params: json(r.params),
  credentialType: String(r.credential_type),
  credentialsSealed: (r.credentials_sealed as string | null) ?? null,
  isGlobal: bool(r.is_global),
  description: String(r.description),
  creatorId: Number(r.creator_id),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
  deletedAt: (r.deleted_at as string | null) ?? null,
});

/** Who may see a connection: its creator, people it is shared with, everyone when global; admins all. */
const VISIBLE =
  'deleted_at IS NULL AND (? = 1 OR creator_id = ? OR is_global = 1 OR id IN (SELECT connection_id FROM connection_permissions WHERE person_id = ?))';

export const connectionsRepo = (db: Db) => ({
  async create(c: ConnectionFields & { creatorId: number }): Promise<ConnectionRecord> {
    const t = now();
    const r = await db.get(
      `INSERT INTO connections (name, vendor, type, host, port, ssl, params, credential_type, credentials_sealed,
         is_global, description, creator_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        c.name,
        c.vendor,
        c.type,
        c.host,
        c.port,
        c.ssl ? 1 : 0,
        JSON.stringify(c.params),
        c.credentialType,
        c.credentialsSealed,
        c.isGlobal ? 1 : 0,
        c.description,
        c.creatorId,
        t,
        t,
      ],
    );
    return connection(r!);
  },
  async update(id: number, c: ConnectionFields): Promise<ConnectionRecord> {
    const r = await db.get(
      `UPDATE connections SET name = ?, vendor = ?, type = ?, host = ?, port = ?, ssl = ?, params = ?,
         credential_type = ?, credentials_sealed = ?, is_global = ?, description = ?, updated_at = ?
       WHERE id = ? RETURNING *`,
      [
        c.name,
        c.vendor,
        c.type,
        c.host,
        c.port,
        c.ssl ? 1 : 0,
        JSON.stringify(c.params),
        c.credentialType,
        c.credentialsSealed,
        c.isGlobal ? 1 : 0,
        c.description,
        now(),
        id,
      ],
    );
    return connection(r!);
  },
  /** Deleted ones too: the API answers 410 for those. */
  async byId(id: number): Promise<ConnectionRecord | undefined> {
    const r = await db.get('SELECT * FROM connections WHERE id = ?', [id]);
    return r && connection(r);
  },
  async byName(name: string): Promise<ConnectionRecord | undefined> {
    const r = await db.get('SELECT * FROM connections WHERE name = ? AND deleted_at IS NULL', [name]);
    return r && connection(r);
  },
  async sharedRole(connectionId: number, personId: number): Promise<string | undefined> {
    const r = await db.get(
      'SELECT role FROM connection_permissions WHERE connection_id = ? AND person_id = ?',
      [connectionId, personId],
    );
    return r ? String(r.role) : undefined;
  },
  async share(connectionId: number, personId: number, role: string): Promise<void> {
    await db.tx(async (q) => {
      await q.run('DELETE FROM connection_permissions WHERE connection_id = ? AND person_id = ?', [
        connectionId,
        personId,
      ]);
      await q.run(
        'INSERT INTO connection_permissions (connection_id, person_id, role, created_at) VALUES (?, ?, ?, ?)',
        [connectionId, personId, role, now()],
      );
    });
  },
  listVisible: (viewer: { id: number; isAdmin: boolean }, p: PageQuery) =>
    page(db, 'connections', VISIBLE, [viewer.isAdmin ? 1 : 0, viewer.id, viewer.id], p, connection),
  /**
   * Marks it deleted unless a publish that is queued or running uses it (then answers false). One
   * transaction, so a publish cannot be enqueued between the check and the mark.
   */
  async softDelete(id: number): Promise<boolean> {
    return db.tx(async (q) => {
      const busy = await q.get(
        "SELECT id FROM jobs WHERE connection_id = ? AND status IN ('Pending', 'InProgress') LIMIT 1",
        [id],
      );
      if (busy) return false;
      await q.run('UPDATE connections SET deleted_at = ? WHERE id = ?', [now(), id]);
      return true;
    });
  },
});
