import type { Db, Queryable, Row } from './db.js';

/** `?` placeholders become `$1, $2, …` (no `?` appears in jobpub's own SQL otherwise). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

type Client = { query(sql: string, params?: unknown[]): Promise<{ rows: Row[]; rowCount: number | null }> };

const over = (c: Client): Queryable => ({
  async all<T = Row>(sql: string, params: readonly unknown[] = []) {
    return (await c.query(numbered(sql), [...params])).rows as T[];
  },
  async get<T = Row>(sql: string, params: readonly unknown[] = []) {
    return (await c.query(numbered(sql), [...params])).rows[0] as T | undefined;
  },
  async run(sql: string, params: readonly unknown[] = []) {
    return (await c.query(numbered(sql), [...params])).rowCount ?? 0;
  },
});

export async function openPostgres(url: string): Promise<Db> {
  const { default: pg } = await import('pg');
  // Ids and counts are BIGINT: read them as numbers (they stay far below 2^53).
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'),
  };
  const pool = new pg.Pool({ connectionString: url, max: 8, types });
  // An idle client that loses its server must not crash the process (STYLE: loops never throw).
  pool.on('error', () => {});
  return {
    dialect: 'postgres',
    ...over(pool as unknown as Client),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(over(client as unknown as Client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
