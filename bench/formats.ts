/**
 * npm run bench:formats — rows/s per format on an N-row, 8-column file (default 5 M), and peak RSS
 * reading a Parquet file of at least 1 GB. Inputs are written by pyarrow / fastavro (bench/gen_files.py).
 * Results go to the console and into docs/performance.md between the formats markers.
 *
 * BENCH_ROWS=5000000 BENCH_BIG_GB=1 npm run bench:formats
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'bench/out');
const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const BIG_GB = Number(process.env.BENCH_BIG_GB ?? 1);
const PYTHON = process.env.PYTHON ?? 'python3';

interface Run {
  rows: number;
  values: number;
  openMs: number;
  totalMs: number;
  peakRssMB: number;
}

function readInChild(file: string, format: string): Run {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench/read-file.ts'), file, format],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

console.log(`writing inputs (${ROWS} rows, big Parquet ${BIG_GB} GB) with pyarrow / fastavro ...`);
execFileSync(PYTHON, [path.join(ROOT, 'bench/gen_files.py'), OUT, String(ROWS), '--big-gb', String(BIG_GB)], {
  stdio: 'inherit',
});

const inputs = [
  ['pqt', `narrow-${ROWS}.parquet`],
  ['avro', `narrow-${ROWS}.avro`],
  ['csv', `narrow-${ROWS}.csv`],
  ['json', `narrow-${ROWS}.json`],
] as const;

const lines: string[] = [];
for (const [format, name] of inputs) {
  const r = readInChild(path.join(OUT, name), format);
  const rps = Math.round(r.rows / (r.totalMs / 1000));
  const line = `| ${format} | ${r.rows.toLocaleString('en-US')} | ${(r.openMs / 1000).toFixed(2)} | ${(r.totalMs / 1000).toFixed(2)} | ${rps.toLocaleString('en-US')} | ${Math.round(r.peakRssMB)} |`;
  console.log(line);
  lines.push(line);
}

const bigName = `big-${BIG_GB}gb.parquet`;
const big = readInChild(path.join(OUT, bigName), 'pqt');
const bigSize = execFileSync('stat', ['-c', '%s', path.join(OUT, bigName)], { encoding: 'utf8' }).trim();
const bigLine = `Reading a ${(Number(bigSize) / 2 ** 30).toFixed(2)} GiB Parquet file (${big.rows.toLocaleString('en-US')} rows, 1 M-row row groups, every value touched): peak RSS **${Math.round(big.peakRssMB)} MB** (limit 256 MB), ${Math.round(big.rows / (big.totalMs / 1000)).toLocaleString('en-US')} rows/s.`;
console.log(bigLine);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const section = [
  '<!-- formats:begin -->',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  `Command: \`BENCH_ROWS=${ROWS} BENCH_BIG_GB=${BIG_GB} npm run bench:formats\`. Each read runs in its own process and touches`,
  'every value through `Column.get`; "open" is the time to open and check the result (for CSV and JSON: the',
  'inference pass over every row), "total" includes it.',
  '',
  '| format | rows | open s | total s | rows/s | peak RSS MB |',
  '|---|---|---|---|---|---|',
  ...lines,
  '',
  bigLine,
  '<!-- formats:end -->',
].join('\n');

const doc = path.join(ROOT, 'docs/performance.md');
const text = readFileSync(doc, 'utf8');
writeFileSync(doc, text.replace(/<!-- formats:begin -->[\s\S]*<!-- formats:end -->/, section));
console.log(`recorded in ${path.relative(ROOT, doc)}`);
