import type { Queryable, Row } from './db.js';

export interface PageQuery {
  readonly limit: number;
  readonly offset: number;
  /** `id`, `-id`, `createdAt`, `-createdAt`. */
  readonly sort: string;
}

const SORT_COLUMNS: Record<string, string> = { id: 'id', createdAt: 'created_at' };

/** One page of `SELECT * FROM <from> WHERE <where>` and the count of all matching rows. */
export async function page<T>(
  q: Queryable,
  from: string,
  where: string,
  params: readonly unknown[],
  p: PageQuery,
  map: (r: Row) => T,
): Promise<{ data: T[]; count: number }> {
  const desc = p.sort.startsWith('-');
  const column = SORT_COLUMNS[desc ? p.sort.slice(1) : p.sort] ?? 'id';
  const rows = await q.all(
    `SELECT * FROM ${from} WHERE ${where} ORDER BY ${column} ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`,
    [...params, p.limit, p.offset],
  );
  const total = await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`, params);
  return { data: rows.map(map), count: Number(total?.n ?? 0) };
}

export const now = () => new Date().toISOString();
export const bool = (v: unknown) => v === 1 || v === true || v === '1';
export const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;
