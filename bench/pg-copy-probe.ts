/**
 * Measures how to bulk-load PostgreSQL: the loader's COPY text and COPY binary (src/targets/postgres/loader.ts)
 * and `psql \copy` of the same rows from CSV (the native client),
 * on the 8-column narrow layout of bench/gen_files.py: bigint, int, double, decimal(18,4), text of 10–40
 * characters, boolean, date, timestamptz. Rows are generated in memory first, so only encoding and
 * loading are timed. Each mode loads a fresh table; the best of RUNS runs is reported, with wall time and
 * the CPU seconds of the client and of the server backend (from /proc: the host may be shared and busy,
 * and CPU time is the fairer measure there).
 *
 * PROBE_ROWS=2000000 PROBE_RUNS=2 npx tsx bench/pg-copy-probe.ts   (PostgreSQL 127.0.0.1:5432, user postgres, db test)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { field, type RecordBatch, schema, t } from '../src/domain/schema/index.js';
import { ArrayColumn, type Value } from '../src/domain/schema/values.js';
import type { OpenedResults } from '../src/formats/reader.js';
import type { PlannedColumn } from '../src/publish/plan.js';
import { BinaryOut, binaryField, binaryRow, OID } from '../src/targets/postgres/copy-binary.js';
import { fieldEncoder, rowEncoder } from '../src/targets/postgres/copy-text.js';
import { type CopyFormat, copyLoad } from '../src/targets/postgres/loader.js';

const ROWS = Number(process.env.PROBE_ROWS ?? 2_000_000);
const RUNS = Number(process.env.PROBE_RUNS ?? 2);
const BATCH = 65_536;
const conn = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };

const SCHEMA = schema([
  field('id', t.int64(), false),
  field('qty', t.int32()),
  field('score', t.double()),
  field('amount', t.decimal(18, 4)),
  field('label', t.string()),
  field('active', t.boolean()),
  field('day', t.date()),
  field('at', t.timestamp('us', true)),
]);
const DDL =
  'id bigint NOT NULL, qty integer, score double precision, amount numeric(18,4), label text, active boolean, day date, at timestamptz';
const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ';

/** xorshift: deterministic, fast. */
let seed = 0x2545f491;
const rnd = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo));

function generate(): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let start = 0; start < ROWS; start += BATCH) {
    const n = Math.min(BATCH, ROWS - start);
    const cols: Value[][] = Array.from({ length: 8 }, () => new Array<Value>(n));
    for (let i = 0; i < n; i++) {
      let s = '';
      for (let k = int(10, 41); k > 0; k--) s += ALPHA[int(0, ALPHA.length)];
      cols[0]![i] = BigInt(start + i);
      cols[1]![i] = int(-(2 ** 31), 2 ** 31 - 1);
      cols[2]![i] = (rnd() - 0.5) * 2e6;
      cols[3]![i] = BigInt(int(-1e12, 1e12));
      cols[4]![i] = s;
      cols[5]![i] = rnd() < 0.5;
      cols[6]![i] = int(-3650, 20000);
      cols[7]![i] = BigInt(int(-(2 ** 50), 2 ** 50));
    }
    out.push({ numRows: n, columns: cols.map((c) => new ArrayColumn(c)) });
  }
  return out;
}

const PLANNED: PlannedColumn[] = SCHEMA.fields.map((f, i) => ({
  name: f.name,
  sqlType: '',
  source: f,
  sourceIndex: i,
}));
const results = (batches: RecordBatch[]): OpenedResults => ({
  format: 'pqt',
  schema: SCHEMA,
  rowCount: ROWS,
  files: [],
  async *batches() {
    yield* batches;
  },
});

// ---- text encode only (no database): the CPU cost of the loader's own encoding ----
function encodeTextOnly(batches: RecordBatch[]): number {
  const encode = rowEncoder(SCHEMA.fields.map((f) => fieldEncoder(f.type, f.name)));
  let bytes = 0;
  let row = 0;
  for (const b of batches) {
    let chunk = '';
    for (let i = 0; i < b.numRows; i++) {
      chunk += encode(b.columns, i, row++);
      if (chunk.length >= 1 << 20) {
        bytes += Buffer.byteLength(chunk);
        chunk = '';
      }
    }
    bytes += Buffer.byteLength(chunk);
  }
  return bytes;
}

function encodeBinaryOnly(batches: RecordBatch[]): number {
  const oids = [OID.int8, OID.int4, OID.float8, OID.numeric, OID.text, OID.bool, OID.date, OID.timestamptz];
  const row = binaryRow(SCHEMA.fields.map((f, i) => binaryField(f.type, oids[i]!, f.name)!));
  const out = new BinaryOut();
  let bytes = 0;
  let n = 0;
  for (const b of batches) {
    for (let i = 0; i < b.numRows; i++) {
      row(out, b.columns, i, n++);
      if (out.off >= 1 << 20) bytes += out.take().length;
    }
  }
  return bytes + out.take().length;
}

/** The same rows as CSV for psql (written once, not timed). */
async function writeCsv(file: string, batches: RecordBatch[]): Promise<void> {
  const encode = rowEncoder(SCHEMA.fields.map((f) => fieldEncoder(f.type, f.name)));
  const out = createWriteStream(file);
  let row = 0;
  for (const b of batches) {
    let chunk = '';
    for (let i = 0; i < b.numRows; i++) chunk += encode(b.columns, i, row++).replace(/\t/g, ',');
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
}

/** CPU seconds a process has used (user + system), from /proc: the server backend's share of a load. */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

interface Measure {
  wall: number;
  client: number;
  server: number;
}

/** Runs one load on `client`, measuring wall time, this process's CPU and the backend's CPU. */
async function measured(client: pg.Client, run: () => Promise<number>): Promise<Measure> {
  const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
  const s0 = cpuOf(pid);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (n !== ROWS) throw new Error(`wrote ${n} rows, expected ${ROWS}`);
  return { wall, client: (c.user + c.system) / 1e6, server: cpuOf(pid) - s0 };
}

/** psql \copy, with psql's own CPU (GNU time) and its backend's CPU (read from /proc by psql itself). */
function psqlCopy(table: string, csv: string): Measure {
  const script = [
    'SELECT pg_backend_pid() AS pid \\gset',
    '\\setenv PGPID :pid',
    '\\! cut -d" " -f14,15 /proc/$PGPID/stat',
    `\\copy ${table} FROM '${csv}' WITH (FORMAT csv)`,
    '\\! cut -d" " -f14,15 /proc/$PGPID/stat',
  ].join('\n');
  const t0 = performance.now();
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'TIME %U %S',
      'psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      conn.host,
      '-U',
      conn.user,
      '-d',
      conn.database,
      '-f',
      '-',
    ],
    {
      input: script,
      encoding: 'utf8',
    },
  );
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  const ticks = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ').reduce((a, x) => a + Number(x), 0));
  const time = /TIME (\S+) (\S+)/.exec(r.stderr)!;
  return { wall, client: Number(time[1]) + Number(time[2]), server: (ticks[1]! - ticks[0]!) / 100 };
}

async function main() {
  console.log(`generating ${ROWS.toLocaleString('en-US')} rows ...`);
  const batches = generate();
  const client = new pg.Client(conn);
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'; SET datestyle = 'ISO, YMD'");
  const ns = `jp_probe_${process.pid}`;
  await client.query(`CREATE SCHEMA ${ns}`);
  const csv = path.join(os.tmpdir(), `${ns}.csv`);
  await writeCsv(csv, batches);
  const fresh = async (name: string) => {
    await client.query(`DROP TABLE IF EXISTS ${ns}.${name}; CREATE TABLE ${ns}.${name} (${DDL})`);
    await client.query('CHECKPOINT');
    return { namespace: ns, name };
  };
  const load = (format: CopyFormat) => async () => {
    const into = await fresh(format);
    return measured(client, () =>
      copyLoad(client, { into, columns: PLANNED, results: results(batches), onProgress: () => {} }, format),
    );
  };
  const modes: [string, () => Promise<Measure>][] = [
    [
      'encode only, no database: COPY text',
      () =>
        measured(client, async () => {
          encodeTextOnly(batches);
          return ROWS;
        }),
    ],
    [
      'encode only, no database: COPY binary',
      () =>
        measured(client, async () => {
          encodeBinaryOnly(batches);
          return ROWS;
        }),
    ],
    ['jobpub loader, COPY text', load('text')],
    ['jobpub loader, COPY binary (chosen)', load('binary')],
    [
      'psql \\copy from CSV (native client)',
      async () => {
        await fresh('psql');
        return psqlCopy(`${ns}.psql`, csv);
      },
    ],
  ];
  console.log(
    `${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    '| method | rows | wall s (best) | rows/s (wall) | client CPU s | server CPU s | rows per CPU-second |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [label, run] of modes) {
    let best: Measure | undefined;
    for (let r = 0; r < RUNS; r++) {
      const m = await run();
      if (!best || m.wall < best.wall) best = m;
    }
    const b = best!;
    const cpu = b.client + b.server;
    console.log(
      `| ${label} | ${ROWS.toLocaleString('en-US')} | ${b.wall.toFixed(2)} | ${Math.round(ROWS / b.wall).toLocaleString('en-US')} | ${b.client.toFixed(2)} | ${b.server.toFixed(2)} | ${Math.round(ROWS / cpu).toLocaleString('en-US')} |`,
    );
  }
  // The three loads hold the same rows.
  const sums = await client.query(
    `SELECT (SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM ${ns}.text x) AS a,
            (SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM ${ns}.binary x) AS b,
            (SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM ${ns}.psql x) AS c`,
  );
  const { a, b, c } = sums.rows[0];
  console.log(a === b && b === c ? 'the three tables hold identical rows' : `ROWS DIFFER: ${a} ${b} ${c}`);
  await client.query(`DROP SCHEMA ${ns} CASCADE`);
  await client.end();
  await rm(csv, { force: true });
}

await main();
