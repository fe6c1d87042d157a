import type { Db, Row } from './db.js';
import { now, type PageQuery, page } from './paging.js';

export interface ApiToken {
  readonly id: number;
  readonly tokenId: string;
  readonly personId: number;
  readonly description: string;
  readonly expiredAt: string | null;
  readonly lastUsed: string | null;
  readonly createdAt: string;
}

const token = (r: Row): ApiToken => ({
  id: Number(r.id),
  tokenId: String(r.token_id),
  personId: Number(r.person_id),
  description: String(r.description),
  expiredAt: (r.expires_at as string | null) ?? null,
  lastUsed: (r.last_used as string | null) ?? null,
  createdAt: String(r.created_at),
});

export const tokensRepo = (db: Db) => ({
  async create(t: {
    tokenId: string;
    personId: number;
    tokenHash: string;
    description: string;
    expiresAt: string | null;
  }): Promise<ApiToken> {
    const r = await db.get(
      'INSERT INTO api_tokens (token_id, person_id, token_hash, description, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      [t.tokenId, t.personId, t.tokenHash, t.description, t.expiresAt, now()],
    );
    return token(r!);
  },
  async byHash(hash: string): Promise<ApiToken | undefined> {
    const r = await db.get('SELECT * FROM api_tokens WHERE token_hash = ?', [hash]);
    return r && token(r);
  },
  async touch(id: number): Promise<void> {
    await db.run('UPDATE api_tokens SET last_used = ? WHERE id = ?', [now(), id]);
  },
  async byTokenId(tokenId: string): Promise<ApiToken | undefined> {
    const r = await db.get('SELECT * FROM api_tokens WHERE token_id = ?', [tokenId]);
    return r && token(r);
  },
  listFor: (personId: number, p: PageQuery) => page(db, 'api_tokens', 'person_id = ?', [personId], p, token),
  async remove(tokenId: string): Promise<void> {
    await db.run('DELETE FROM api_tokens WHERE token_id = ?', [tokenId]);
  },
});
