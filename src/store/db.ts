/**
 * The metadata database, as the repositories see it: SQLite (embedded default) or PostgreSQL (shared by
 * several instances). SQL is written once with `?` placeholders; each driver adapts it.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  all<T = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement; answers the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `FOR UPDATE SKIP LOCKED` where several instances race for rows; SQLite has one writer at a time. */
export const skipLocked = (db: Db) => (db.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '');
