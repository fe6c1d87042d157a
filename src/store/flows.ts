import type { Db, Row } from './db.js';
import { now, type PageQuery, page } from './paging.js';

export interface Flow {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly creatorId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Recipe {
  readonly id: number;
  readonly name: string;
  readonly flowId: number;
  readonly creatorId: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const flow = (r: Row): Flow => ({
  id: Number(r.id),
  name: String(r.name),
  description: String(r.description),
  creatorId: Number(r.creator_id),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const recipe = (r: Row): Recipe => ({
  id: Number(r.id),
  name: String(r.name),
  flowId: Number(r.flow_id),
  creatorId: Number(r.creator_id),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const OWN = '(? = 1 OR creator_id = ?)';
const viewerParams = (v: { id: number; isAdmin: boolean }) => [v.isAdmin ? 1 : 0, v.id];

export const flowsRepo = (db: Db) => ({
  async create(f: { name: string; description: string; creatorId: number }): Promise<Flow> {
    const t = now();
    const r = await db.get(
      'INSERT INTO flows (name, description, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      [f.name, f.description, f.creatorId, t, t],
    );
    return flow(r!);
  },
  async byId(id: number): Promise<Flow | undefined> {
    const r = await db.get('SELECT * FROM flows WHERE id = ?', [id]);
    return r && flow(r);
  },
  listVisible: (v: { id: number; isAdmin: boolean }, p: PageQuery) =>
    page(db, 'flows', OWN, viewerParams(v), p, flow),
});

export const recipesRepo = (db: Db) => ({
  async create(r0: { name: string; flowId: number; creatorId: number }): Promise<Recipe> {
    const t = now();
    const r = await db.get(
      'INSERT INTO recipes (name, flow_id, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING *',
      [r0.name, r0.flowId, r0.creatorId, t, t],
    );
    return recipe(r!);
  },
  async byId(id: number): Promise<Recipe | undefined> {
    const r = await db.get('SELECT * FROM recipes WHERE id = ?', [id]);
    return r && recipe(r);
  },
  listVisible: (v: { id: number; isAdmin: boolean }, p: PageQuery) =>
    page(db, 'recipes', OWN, viewerParams(v), p, recipe),
});
