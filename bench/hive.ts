/**
 * npm run bench:hive — publishes an N-row, 8-column Parquet file (default 5 M, bench/gen_files.py) to Hive
 * with dropAndLoad through the built CLI (`node dist/cli/main.js publish … --target hive://…`), and through
 * the same HiveServer2 runs Spark SQL's own
 *   CREATE TABLE … STORED AS PARQUET AS SELECT * FROM parquet.`file:///…/narrow-N.parquet`
 * on the same file. Prints rows/s both ways, the ratio and jobpub's peak RSS; checks that both tables hold
 * the same rows; records the figures in docs/performance.md (between `<!-- hive:begin -->` and
 * `<!-- hive:end -->`).
 *
 * BENCH_ROWS=5000000 npm run bench:hive   (the Spark Thrift Server of scripts/hive-server.sh, started when
 * it is not up; JOBPUB_CLI overrides the CLI entry point, default dist/cli/main.js)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hs2Session } from '../src/targets/hive/hs2.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/out');
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const PORT = Number(process.env.HIVE_PORT ?? 10000);
const HIVE_DIR = process.env.HIVE_DIR ?? '/tmp/jobpub-hive';
const STAGING = path.join(HIVE_DIR, 'staging');
const CLI = process.env.JOBPUB_CLI ?? path.join(ROOT, 'dist/cli/main.js');

const parquet = path.join(OUT, `narrow-${ROWS}.parquet`);
if (!existsSync(parquet)) {
  execFileSync(
    process.env.PYTHON ?? 'python3',
    [path.join(ROOT, 'bench/gen_files.py'), OUT, String(ROWS), '--only', 'parquet'],
    { stdio: 'inherit' },
  );
}

const portOpen = () =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port: PORT });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
if (!(await portOpen())) {
  execFileSync('bash', [path.join(ROOT, 'scripts/hive-server.sh'), 'start'], {
    stdio: 'inherit',
    env: { ...process.env, HIVE_PORT: String(PORT), HIVE_DIR },
  });
}

const session = await Hs2Session.open({
  host: '127.0.0.1',
  port: PORT,
  transport: 'binary',
  auth: 'NONE',
  user: 'jobpub',
  database: 'default',
  configuration: { 'spark.sql.session.timeZone': 'UTC' },
});
const db = `jp_bench_${randomBytes(3).toString('hex')}`;
await session.query(`CREATE DATABASE \`${db}\``);

const elapsed = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;

/** jobpub: the whole CLI process (open, plan, stage, verify, INSERT … SELECT, count, cleanup). */
function jobpub(table: string): { secs: number; rssMB: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      path.join(ROOT, 'bench/rss-report.mjs'),
      CLI,
      'publish',
      parquet,
      '--format',
      'pqt',
      '--target',
      `hive://jobpub@127.0.0.1:${PORT}/${db}?staging=${pathToFileURL(STAGING).href}&auth=NONE`,
      '--table',
      table,
      '--action',
      'dropAndLoad',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const secs = elapsed(t0);
  if (r.status !== 0) throw new Error(`jobpub publish failed: ${r.stdout}\n${r.stderr}`);
  const kib = Number(/JOBPUB_PEAK_RSS_KIB=(\d+)/.exec(r.stderr)?.[1] ?? Number.NaN);
  return { secs, rssMB: kib / 1024 };
}

/** Spark SQL's own: CTAS from the Parquet file, through the same HiveServer2. */
async function ctas(table: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  await session.query(
    `CREATE TABLE \`${db}\`.\`${table}\` STORED AS PARQUET AS SELECT * FROM parquet.\`${pathToFileURL(parquet).href}\``,
  );
  return elapsed(t0);
}

try {
  // Spark's first statements in a session load classes and plan slowly: one warm-up CTAS (not timed).
  await ctas('warmup');
  const base = await ctas('bench_ctas');
  const ours = jobpub('bench_jobpub');
  const count = async (t: string) =>
    Number((await session.query(`SELECT COUNT(*) FROM \`${db}\`.\`${t}\``)).rows[0]?.[0]);
  const diff = async (a: string, b: string) =>
    Number(
      (
        await session.query(
          `SELECT COUNT(*) FROM (SELECT * FROM \`${db}\`.\`${a}\` EXCEPT ALL SELECT * FROM \`${db}\`.\`${b}\`)`,
        )
      ).rows[0]?.[0],
    );
  const [n1, n2] = [await count('bench_ctas'), await count('bench_jobpub')];
  if (n1 !== ROWS || n2 !== ROWS) throw new Error(`row counts: CTAS ${n1}, jobpub ${n2}, expected ${ROWS}`);
  const d = (await diff('bench_ctas', 'bench_jobpub')) + (await diff('bench_jobpub', 'bench_ctas'));
  if (d !== 0) throw new Error(`the CTAS and jobpub tables differ in ${d} rows`);

  const rate = (s: number) => Math.round(ROWS / s).toLocaleString('en-US');
  const line = `| Hive (Spark Thrift Server) | ${rate(ours.secs)} (${ours.secs.toFixed(1)} s) | CTAS from parquet.\`…\`: ${rate(base)} (${base.toFixed(1)} s) | **${(base / ours.secs).toFixed(2)}** | ${Math.round(ours.rssMB)} |`;
  console.log(line);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    '<!-- hive:begin -->',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version};`,
    'Spark Thrift Server of `scripts/hive-server.sh` on the same machine (pyspark 4.0.1, `local[2]`, 1 GB driver, Derby metastore, warehouse and staging on the local disk).',
    `Command: \`BENCH_ROWS=${ROWS} npm run bench:hive\`. ${ROWS.toLocaleString('en-US')} rows × 8 columns (bigint, int, double, decimal(18,4), text of 10–40`,
    'chars, boolean, date, timestamp) in one Parquet file written by pyarrow. jobpub runs `dropAndLoad` through the built CLI',
    '(wall time of the whole process: connect, plan, copy the file to the staging folder, EXTERNAL staging table, count,',
    "`CREATE TABLE` + `INSERT INTO … SELECT`, count, cleanup). The baseline is Spark SQL's own",
    '``CREATE TABLE … STORED AS PARQUET AS SELECT * FROM parquet.`<file>` `` on the same file through the same server (after one',
    'untimed warm-up CTAS). Both tables are checked to hold the same rows (`EXCEPT ALL` both ways).',
    'Ratio = jobpub rows/s ÷ baseline rows/s.',
    '',
    '| target | jobpub rows/s | baseline rows/s | ratio | jobpub peak RSS MB |',
    '|---|---|---|---|---|',
    line,
    '<!-- hive:end -->',
  ].join('\n');
  const doc = path.join(ROOT, 'docs/performance.md');
  const text = readFileSync(doc, 'utf8');
  writeFileSync(
    doc,
    text.includes('<!-- hive:begin -->')
      ? text.replace(/<!-- hive:begin -->[\s\S]*<!-- hive:end -->/, section)
      : `${text.trimEnd()}\n\n## Publishing to Hive (\`npm run bench:hive\`)\n\n${section}\n`,
  );
  console.log(`recorded in ${path.relative(ROOT, doc)}`);
} finally {
  await session.query(`DROP DATABASE \`${db}\` CASCADE`).catch(() => {});
  await session.close();
}
