import type { Db, Row } from './db.js';
import { bool, now, type PageQuery, page } from './paging.js';

export interface Person {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly isAdmin: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const person = (r: Row): Person => ({
  id: Number(r.id),
  email: String(r.email),
  name: String(r.name),
  isAdmin: bool(r.is_admin),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

export const peopleRepo = (db: Db) => ({
  async count(): Promise<number> {
    return Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM people'))?.n ?? 0);
  },
  async create(p: { email: string; name: string; passwordHash: string; isAdmin: boolean }): Promise<Person> {
    const t = now();
    const r = await db.get(
      'INSERT INTO people (email, name, password_hash, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      [p.email.toLowerCase(), p.name, p.passwordHash, p.isAdmin ? 1 : 0, t, t],
    );
    return person(r!);
  },
  async byId(id: number): Promise<Person | undefined> {
    const r = await db.get('SELECT * FROM people WHERE id = ?', [id]);
    return r && person(r);
  },
  /** The person and their password hash, for Basic authentication. */
  async withHashByEmail(email: string): Promise<{ person: Person; passwordHash: string } | undefined> {
    const r = await db.get('SELECT * FROM people WHERE email = ?', [email.toLowerCase()]);
    return r && { person: person(r), passwordHash: String(r.password_hash) };
  },
  async firstAdmin(): Promise<Person | undefined> {
    const r = await db.get('SELECT * FROM people WHERE is_admin = 1 ORDER BY id LIMIT 1');
    return r && person(r);
  },
  list: (p: PageQuery) => page(db, 'people', '1 = 1', [], p, person),
});
