/**
 * npm run bench:publish — publishes an N-row, 8-column Parquet file (default 5 M) with dropAndLoad through
 * the built CLI (`node dist/cli/main.js publish`), and in the same run times each target's own bulk path
 * on the same rows:
 *   PostgreSQL  jobpub COPY  vs  psql \copy … FROM the same rows as CSV
 *   MariaDB     jobpub LOAD DATA LOCAL  vs  the mariadb client's LOAD DATA LOCAL INFILE of that CSV
 *   DuckDB      jobpub  vs  CREATE TABLE … AS SELECT * FROM read_parquet(…)
 * Prints rows/s per pair, the ratio and jobpub's peak RSS; records them in docs/performance.md.
 *
 * BENCH_ROWS=5000000 npm run bench:publish   (needs the local PostgreSQL and MariaDB of scripts/services.sh)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/out');
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const PG = { host: '127.0.0.1', port: '5432', user: 'postgres', db: 'test' };
const MY = { host: '127.0.0.1', port: '3306', user: 'root', db: 'test' };

execFileSync(
  process.env.PYTHON ?? 'python3',
  [path.join(ROOT, 'bench/gen_files.py'), OUT, String(ROWS), '--only', 'parquet,csv'],
  {
    stdio: 'inherit',
  },
);
const parquet = path.join(OUT, `narrow-${ROWS}.parquet`);
const csv = path.join(OUT, `narrow-${ROWS}.csv`);

const seconds = (f: () => void) => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
};

function jobpub(url: string, table: string, ns: string[]): { secs: number; rssMB: number } {
  let stderr = '';
  const secs = seconds(() => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        path.join(ROOT, 'bench/rss-report.mjs'),
        path.join(ROOT, 'dist/cli/main.js'),
        'publish',
        parquet,
        '--format',
        'pqt',
        '--target',
        url,
        '--table',
        table,
        '--action',
        'dropAndLoad',
        ...ns,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    stderr = r.stderr;
    if (r.status !== 0) throw new Error(`jobpub publish failed: ${r.stderr}`);
  });
  const kib = Number(/JOBPUB_PEAK_RSS_KIB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { secs, rssMB: kib / 1024 };
}

const COLS_PG =
  'id bigint, qty integer, score double precision, amount numeric(18,4), label text, active boolean, day date, at timestamptz';
const psql = (sql: string) =>
  execFileSync(
    'psql',
    ['-h', PG.host, '-p', PG.port, '-U', PG.user, '-d', PG.db, '-v', 'ON_ERROR_STOP=1', '-qc', sql],
    { encoding: 'utf8' },
  );

function postgres() {
  psql('DROP TABLE IF EXISTS bench_copy; DROP TABLE IF EXISTS bench_jobpub;');
  psql(`CREATE TABLE bench_copy (${COLS_PG})`);
  const base = seconds(() => psql(`\\copy bench_copy FROM '${csv}' WITH (FORMAT csv, HEADER true)`));
  const ours = jobpub(`postgres://${PG.user}@${PG.host}:${PG.port}/${PG.db}`, 'bench_jobpub', [
    '--path',
    'public',
  ]);
  const same = psql(
    'SELECT (SELECT count(*) FROM bench_copy) = (SELECT count(*) FROM bench_jobpub) AND NOT EXISTS (SELECT * FROM bench_copy EXCEPT SELECT * FROM bench_jobpub)',
  );
  if (!same.includes('t')) throw new Error('PostgreSQL: jobpub and psql \\copy tables differ');
  psql('DROP TABLE bench_copy; DROP TABLE bench_jobpub;');
  return { target: 'PostgreSQL', baseline: 'psql \\copy (CSV)', base, ours };
}

const mariadb = (sql: string) =>
  execFileSync(
    'mariadb',
    ['-h', MY.host, '-P', MY.port, '-u', MY.user, '--local-infile=1', MY.db, '-e', sql],
    { encoding: 'utf8' },
  );

function mysql() {
  mariadb('DROP TABLE IF EXISTS bench_load; DROP TABLE IF EXISTS bench_jobpub;');
  mariadb(
    'CREATE TABLE bench_load (id bigint, qty int, score double, amount decimal(18,4), label longtext, active tinyint(1), day date, at datetime(6)) ENGINE=InnoDB',
  );
  // pyarrow's CSV spells booleans true/false and instants with a trailing Z: the client's LOAD DATA maps them.
  const base = seconds(() =>
    mariadb(
      `SET time_zone = '+00:00'; LOAD DATA LOCAL INFILE '${csv}' INTO TABLE bench_load FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' IGNORE 1 LINES (id, qty, score, amount, label, @active, day, @at) SET active = (@active = 'true'), at = REPLACE(@at, 'Z', '')`,
    ),
  );
  const ours = jobpub(`mysql://${MY.user}@${MY.host}:${MY.port}/${MY.db}`, 'bench_jobpub', []);
  const counts = mariadb('SELECT (SELECT count(*) FROM bench_load), (SELECT count(*) FROM bench_jobpub)');
  const [a, b] = counts.trim().split('\n').pop()!.split('\t');
  if (a !== b || Number(a) !== ROWS) throw new Error(`MariaDB: row counts differ (${a} vs ${b})`);
  mariadb('DROP TABLE bench_load; DROP TABLE bench_jobpub;');
  return { target: 'MariaDB', baseline: 'mariadb LOAD DATA LOCAL INFILE (CSV)', base, ours };
}

async function duckdb() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jobpub-bench-duck-'));
  const baseFile = path.join(dir, 'base.duckdb');
  const inst = await DuckDBInstance.create(baseFile);
  const conn = await inst.connect();
  const t0 = process.hrtime.bigint();
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${parquet.replace(/'/g, "''")}')`);
  const base = Number(process.hrtime.bigint() - t0) / 1e9;
  conn.closeSync();
  inst.closeSync();
  const ours = jobpub(`duckdb://${path.join(dir, 'jobpub.duckdb')}`, 'bench_jobpub', []);
  rmSync(dir, { recursive: true, force: true });
  return { target: 'DuckDB', baseline: 'CREATE TABLE AS SELECT * FROM read_parquet', base, ours };
}

const rows: string[] = [];
for (const run of [postgres, mysql, duckdb]) {
  const r = await run();
  const line = `| ${r.target} | ${Math.round(ROWS / r.ours.secs).toLocaleString('en-US')} | ${r.baseline}: ${Math.round(ROWS / r.base).toLocaleString('en-US')} | **${(r.base / r.ours.secs).toFixed(2)}** | ${Math.round(r.ours.rssMB)} |`;
  console.log(line);
  rows.push(line);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const section = [
  '<!-- publish:begin -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL and MariaDB on the same machine.`,
  `Command: \`BENCH_ROWS=${ROWS} npm run bench:publish\`. ${ROWS.toLocaleString('en-US')} rows × 8 columns (bigint, int, double, decimal(18,4),`,
  'text of 10–40 chars, boolean, date, timestamptz) written by pyarrow; jobpub runs `dropAndLoad` through the built CLI',
  '(wall time of the whole process: open, plan, load, verify, commit); the baseline loads the same rows with the',
  "target's own tool. Ratio = jobpub rows/s ÷ baseline rows/s (above 1: jobpub is faster).",
  '',
  '| target | jobpub rows/s | baseline rows/s | ratio | jobpub peak RSS MB |',
  '|---|---|---|---|---|',
  ...rows,
  '<!-- publish:end -->',
].join('\n');
const doc = path.join(ROOT, 'docs/performance.md');
const text = readFileSync(doc, 'utf8');
writeFileSync(
  doc,
  text.includes('<!-- publish:begin -->')
    ? text.replace(/<!-- publish:begin -->[\s\S]*<!-- publish:end -->/, section)
    : `${text.trimEnd()}\n\n## Publishing (\`npm run bench:publish\`)\n\n${section}\n`,
);
console.log(`recorded in ${path.relative(ROOT, doc)}`);
