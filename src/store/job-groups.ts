import type { Db, Row } from './db.js';
import { json, now, type PageQuery, page } from './paging.js';

export interface SchemaColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

export interface ResultRecord {
  readonly format: 'pqt' | 'avro' | 'csv' | 'json';
  readonly uri: string;
  readonly connectionId: number | null;
  /** Reader options given at registration (CSV `header`, `delimiter`), applied again at publish time. */
  readonly options: { header?: boolean; delimiter?: string };
  readonly rowCount: number;
  readonly schema: readonly SchemaColumn[];
  readonly files: readonly string[];
}

/** Job group status values, exactly (api.md). A registered job group is Complete. */
export type JobGroupStatus = 'Created' | 'Pending' | 'InProgress' | 'Complete' | 'Failed' | 'Canceled';

export interface JobGroup {
  readonly id: number;
  readonly recipeId: number;
  readonly status: JobGroupStatus;
  readonly creatorId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
  readonly results: readonly ResultRecord[];
}

const result = (r: Row): ResultRecord => ({
  format: String(r.format) as ResultRecord['format'],
  uri: String(r.uri),
  connectionId: r.connection_id === null || r.connection_id === undefined ? null : Number(r.connection_id),
  options: json(r.options),
  rowCount: Number(r.row_count),
  schema: json(r.schema),
  files: json(r.files),
});

const group = (r: Row, results: readonly ResultRecord[]): JobGroup => ({
  id: Number(r.id),
  recipeId: Number(r.recipe_id),
  status: String(r.status) as JobGroupStatus,
  creatorId: Number(r.creator_id),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
  deletedAt: (r.deleted_at as string | null) ?? null,
  results,
});

export const jobGroupsRepo = (db: Db) => {
  const resultsOf = async (id: number) =>
    (await db.all('SELECT * FROM results WHERE job_group_id = ? ORDER BY id', [id])).map(result);
  return {
    async create(g: {
      recipeId: number;
      creatorId: number;
      results: readonly ResultRecord[];
    }): Promise<JobGroup> {
      return db.tx(async (q) => {
        const t = now();
        const r = await q.get(
          "INSERT INTO job_groups (recipe_id, status, creator_id, created_at, updated_at) VALUES (?, 'Complete', ?, ?, ?) RETURNING *",
          [g.recipeId, g.creatorId, t, t],
        );
        const id = Number(r!.id);
        for (const x of g.results) {
          await q.run(
            'INSERT INTO results (job_group_id, format, uri, connection_id, options, row_count, schema, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [
              id,
              x.format,
              x.uri,
              x.connectionId,
              JSON.stringify(x.options),
              x.rowCount,
              JSON.stringify(x.schema),
              JSON.stringify(x.files),
            ],
          );
        }
        return group(r!, g.results);
      });
    },
    /** Deleted ones too: the API answers 410 for those. */
    async byId(id: number): Promise<JobGroup | undefined> {
      const r = await db.get('SELECT * FROM job_groups WHERE id = ?', [id]);
      return r && group(r, await resultsOf(id));
    },
    async listVisible(v: { id: number; isAdmin: boolean }, p: PageQuery) {
      const out = await page(
        db,
        'job_groups',
        'deleted_at IS NULL AND (? = 1 OR creator_id = ?)',
        [v.isAdmin ? 1 : 0, v.id],
        p,
        (r) => r,
      );
      const data: JobGroup[] = [];
      for (const r of out.data) data.push(group(r, await resultsOf(Number(r.id))));
      return { data, count: out.count };
    },
    async softDelete(id: number): Promise<void> {
      await db.run('UPDATE job_groups SET deleted_at = ? WHERE id = ?', [now(), id]);
    },
  };
};
