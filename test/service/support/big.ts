import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './server.js';

/** Rows of the big result: publishing them into PostgreSQL takes several seconds (about 6 s here). */
export const BIG_ROWS = 2_000_000;

/**
 * A Parquet result big enough that publishing it takes seconds (the bench's 8-column layout, written by
 * pyarrow through bench/gen_files.py): `rows` rows with ids 0..rows-1. Cached per row count; written
 * into a private folder first and renamed into place, so test files running at once never read a half
 * written file.
 */
export function bigParquet(rows: number): string {
  const dir = path.join(tmpdir(), 'jobpub-svcproc-big');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `narrow-${rows}.parquet`);
  if (existsSync(file)) return file;
  const work = mkdtempSync(path.join(dir, 'gen-'));
  try {
    const venv = path.join(ROOT, '.venv/bin/python3');
    const python = process.env.PYTHON ?? (existsSync(venv) ? venv : 'python3');
    execFileSync(python, [path.join(ROOT, 'bench/gen_files.py'), work, String(rows), '--only', 'parquet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    renameSync(path.join(work, `narrow-${rows}.parquet`), file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return file;
}

export interface Checksum {
  readonly rows: string;
  readonly distinctIds: string;
  readonly sumId: string;
  readonly sumQty: string;
  readonly sumAmount: string;
}

/** The checksum of the Parquet file itself, read by DuckDB (an independent reader). */
export async function parquetChecksum(file: string): Promise<Checksum> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT count(*)::VARCHAR, count(DISTINCT id)::VARCHAR, sum(id)::VARCHAR, sum(qty)::VARCHAR,
              sum(amount)::DECIMAL(38,4)::VARCHAR FROM read_parquet('${file.replace(/'/g, "''")}')`,
    );
    const [rows, distinctIds, sumId, sumQty, sumAmount] = r.getRows()[0]!.map(String) as [
      string,
      string,
      string,
      string,
      string,
    ];
    return { rows, distinctIds, sumId, sumQty, sumAmount };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** The same checksum over a PostgreSQL table with the bench's columns. */
export const PG_CHECKSUM_SQL = (qualified: string) =>
  `SELECT count(*)::text AS rows, count(DISTINCT id)::text AS "distinctIds", sum(id)::text AS "sumId",
          sum(qty)::text AS "sumQty", sum(amount)::numeric(38,4)::text AS "sumAmount" FROM ${qualified}`;
