import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * A multi-batch CSV (and Parquet) result written by pyarrow, for tests that must stop a load midway:
 * `rows` rows of the bench's 8-column layout. Cached per row count in the temp folder.
 */
export function bigResults(rows: number): { csv: string; parquet: string } {
  const dir = path.join(tmpdir(), 'jobpub-big-results');
  mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, `narrow-${rows}.csv`);
  const parquet = path.join(dir, `narrow-${rows}.parquet`);
  if (!existsSync(csv) || !existsSync(parquet)) {
    execFileSync(
      process.env.PYTHON ?? 'python3',
      [path.join(ROOT, 'bench/gen_files.py'), dir, String(rows), '--only', 'parquet,csv'],
      {
        stdio: 'inherit',
      },
    );
  }
  return { csv, parquet };
}
