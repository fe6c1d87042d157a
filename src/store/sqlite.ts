import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Db, Queryable, Row } from './db.js';

type Sqlite = import('better-sqlite3').Database;

const bind = (params: readonly unknown[]) =>
  params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p === undefined ? null : p));

/**
 * better-sqlite3 is synchronous, so every call finishes before the next starts. A transaction spans
 * awaits, so transactions take turns through a queue, and calls outside one wait for it to end.
 */
export async function openSqlite(file: string): Promise<Db> {
  const { default: Database } = await import('better-sqlite3');
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite: Sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const q: Queryable = {
    async all<T = Row>(sql: string, params: readonly unknown[] = []) {
      return sqlite.prepare(sql).all(...bind(params)) as T[];
    },
    async get<T = Row>(sql: string, params: readonly unknown[] = []) {
      return sqlite.prepare(sql).get(...bind(params)) as T | undefined;
    },
    async run(sql: string, params: readonly unknown[] = []) {
      const stmt = sqlite.prepare(sql);
      return stmt.reader ? stmt.all(...bind(params)).length : stmt.run(...bind(params)).changes;
    },
  };
  let turn: Promise<unknown> = Promise.resolve();
  const waitTurn = async <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = turn.then(fn, fn);
    turn = mine.catch(() => {});
    return mine;
  };
  return {
    dialect: 'sqlite',
    all: (sql, params) => waitTurn(() => q.all(sql, params)),
    get: (sql, params) => waitTurn(() => q.get(sql, params)),
    run: (sql, params) => waitTurn(() => q.run(sql, params)),
    tx: (fn) =>
      waitTurn(async () => {
        sqlite.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(q);
          sqlite.exec('COMMIT');
          return out;
        } catch (e) {
          sqlite.exec('ROLLBACK');
          throw e;
        }
      }),
    async close() {
      await turn;
      sqlite.close();
    },
  };
}
