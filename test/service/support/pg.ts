import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A client of the local PostgreSQL test database, and a fresh schema in it for one test. */
export async function pgSchema(label: string): Promise<{
  readonly client: pg.Client;
  readonly schema: string;
  /** Table names in the schema, sorted. */
  tables(): Promise<string[]>;
  drop(): Promise<void>;
}> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  const schema = `jp_${label}_${randomBytes(3).toString('hex')}`;
  await client.query(`CREATE SCHEMA "${schema}"`);
  return {
    client,
    schema,
    tables: async () =>
      (
        await client.query<{ t: string }>(
          'SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1',
          [schema],
        )
      ).rows.map((r) => r.t),
    drop: async () => {
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** The bench layout (bench/gen_files.py) as a PostgreSQL table, for `load` and `truncateAndLoad` targets. */
export const NARROW_COLUMNS = `id bigint, qty integer, score double precision, amount numeric(18,4), label text,
  active boolean, day date, at timestamptz`;
