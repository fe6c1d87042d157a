import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import {
  type Json,
  type LogicalType,
  renderDate,
  renderDecimal,
  renderFloat,
  renderTimestamp,
  type Schema,
  unitsPerSecond,
} from '../../../src/domain/schema/index.js';
import type { HiveConfig } from '../../../src/targets/config.js';
import { type Cell, Hs2Session } from '../../../src/targets/hive/hs2.js';
import { Num, type Parsed, parseExactJson } from '../../support/exact-json.js';

/**
 * The Hive test rig: the real Spark Thrift Server that scripts/hive-server.sh starts (started here when it
 * is not up: a vitest globalSetup is not available), a fresh database per test, and a read-back through
 * HiveServer2 that turns every value into the canonical JSON of the fixtures without a lossy step.
 */
export const PORT = Number(process.env.HIVE_PORT ?? 10000);
export const HIVE_DIR = process.env.HIVE_DIR ?? '/tmp/jobpub-hive';
export const STAGING = path.join(HIVE_DIR, 'staging');
const ROOT = path.resolve(import.meta.dirname, '../../..');

const portOpen = () =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port: PORT });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Whether HiveServer2 runs a real statement (a listening port alone may still be starting up). */
async function answers(): Promise<boolean> {
  if (!(await portOpen())) return false;
  try {
    const s = await admin();
    try {
      return (await s.query('SELECT 40 + 2')).rows[0]?.[0] === 42;
    } finally {
      await s.close();
    }
  } catch {
    return false;
  }
}

/**
 * Starts the server with the script when it does not answer (under CI a failure to start fails the suite).
 * Test files run in parallel workers: one of them starts it (a lock folder), the others wait for it.
 */
export async function ensureServer(): Promise<void> {
  if (await answers()) return;
  const lock = path.join(HIVE_DIR, '.start-lock');
  mkdirSync(HIVE_DIR, { recursive: true });
  let mine = false;
  try {
    mkdirSync(lock);
    mine = true;
  } catch {
    // Another worker is starting it; a lock older than the script's limit is stale.
    if (Date.now() - statSync(lock).mtimeMs > 300_000) {
      rmSync(lock, { recursive: true, force: true });
      return ensureServer();
    }
  }
  try {
    if (mine) {
      try {
        execFileSync('bash', [path.join(ROOT, 'scripts/hive-server.sh'), 'start'], {
          stdio: 'inherit',
          timeout: 280_000,
          env: { ...process.env, HIVE_PORT: String(PORT), HIVE_DIR },
        });
      } catch (e) {
        // The script checks with Beeline, a JVM of its own that starts slowly on a busy machine.
        if (!(await answers())) throw e;
      }
      return;
    }
    for (const t0 = Date.now(); Date.now() - t0 < 290_000; ) {
      if (await answers()) return;
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`HiveServer2 did not answer on 127.0.0.1:${PORT} (another worker was starting it)`);
  } finally {
    if (mine) rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A publish in a child process (test/support/publish-child.ts) SIGKILLed as soon as it prints `AT <step>`
 * (it freezes there): `stoppedAt` is the step it was killed before, `out` its output.
 */
export function runChild(args: object): Promise<{ stoppedAt: string | undefined; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/support/publish-child.ts'), JSON.stringify(args)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let stoppedAt: string | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^AT (.+)$/m.exec(out);
      if (m && !stoppedAt) {
        stoppedAt = m[1];
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ stoppedAt, out }));
  });
}

/** A publish in a child process that freezes at `stopAt` (`AT <step>`) until the test kills it. */
export function startChild(args: object): {
  readonly pid: number;
  readonly at: Promise<string>;
  readonly exited: Promise<string>;
  kill(): void;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/support/publish-child.ts'), JSON.stringify(args)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let reached: (s: string) => void = () => {};
  const at = new Promise<string>((resolve) => {
    reached = resolve;
  });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /^AT (.+)$/m.exec(out);
    if (m) reached(m[1]!);
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<string>((resolve) => child.on('exit', () => resolve(out)));
  void exited.then((o) => reached(`(exited before a stop: ${o})`));
  return { pid: child.pid ?? -1, at, exited, kill: () => child.kill('SIGKILL') };
}

export const config = (database: string): HiveConfig => ({
  kind: 'hive',
  host: '127.0.0.1',
  port: PORT,
  database,
  user: 'jobpub',
  transport: 'binary',
  auth: 'NONE',
  stagingUri: `file://${STAGING}`,
});

export async function admin(database = 'default'): Promise<Hs2Session> {
  return Hs2Session.open({
    host: '127.0.0.1',
    port: PORT,
    transport: 'binary',
    auth: 'NONE',
    user: 'jobpub',
    database,
    configuration: { 'spark.sql.session.timeZone': 'UTC' },
  });
}

export interface HiveBox {
  readonly db: string;
  readonly config: HiveConfig;
  readonly session: Hs2Session;
  tables(): Promise<string[]>;
  rows(table: string, schema: Schema): Promise<Record<string, Json>[]>;
  drop(): Promise<void>;
}

export async function freshDatabase(label: string): Promise<HiveBox> {
  const db = `jp_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${randomBytes(3).toString('hex')}`;
  const session = await admin();
  await session.query(`CREATE DATABASE \`${db}\``);
  return {
    db,
    config: config(db),
    session,
    tables: async () =>
      (await session.query(`SHOW TABLES IN \`${db}\``)).rows.map((r) => String(r[1])).sort(),
    rows: (table, schema) => readBack(session, db, table, schema),
    drop: async () => {
      await session.query(`DROP DATABASE \`${db}\` CASCADE`);
      await session.close();
    },
  };
}

const q = (s: string) => `\`${s.replace(/`/g, '``')}\``;
const TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS";

/** A column read exactly: days for dates, µs for timestamps, text for decimals, base64 for binary, JSON for nested. */
function selectOf(type: LogicalType, column: string): string {
  const c = q(column);
  switch (type.kind) {
    case 'date':
      return `datediff(${c}, DATE'1970-01-01')`;
    case 'timestamp':
      return `unix_micros(${c})`;
    case 'decimal':
      return `CAST(${c} AS STRING)`;
    case 'int':
      return !type.signed && type.bits === 64 ? `CAST(${c} AS STRING)` : c;
    case 'binary':
      return `hex(${c})`; // base64() breaks lines every 76 characters (MIME)
    case 'list':
    case 'struct':
    case 'map':
      return `to_json(${c}, map('timestampFormat', "${TS_FORMAT}"))`;
    default:
      return c;
  }
}

async function readBack(session: Hs2Session, db: string, table: string, schema: Schema) {
  const cols = schema.fields.map((f) => selectOf(f.type, f.name)).join(', ');
  // Spark caches a table's file list per session: another session's INSERT OVERWRITE replaced the files.
  await session.query(`REFRESH TABLE ${q(db)}.${q(table)}`);
  const res = await session.query(`SELECT ${cols} FROM ${q(db)}.${q(table)}`);
  return res.rows.map((row) =>
    Object.fromEntries(schema.fields.map((f, i) => [f.name, topLevel(f.type, row[i] ?? null)])),
  );
}

function decimalText(text: string, scale: number): string {
  const neg = text.startsWith('-');
  const [whole = '0', frac = ''] = text.replace(/^[-+]/, '').split('.');
  const digits = BigInt(`${whole}${frac.padEnd(scale, '0')}`);
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale)))
    throw new Error(`${text} has more than ${scale} places`);
  const unscaled = frac.length > scale ? BigInt(`${whole}${frac.slice(0, scale)}`) : digits;
  return renderDecimal(neg ? -unscaled : unscaled, scale);
}

function fromMicros(micros: bigint, type: { unit: 'ms' | 'us' | 'ns'; utc: boolean }): string {
  const per = unitsPerSecond(type.unit);
  const us = unitsPerSecond('us');
  const count = per >= us ? micros * (per / us) : micros / (us / per);
  if (per < us && micros % (us / per) !== 0n) throw new Error(`${micros} µs has digits below ${type.unit}`);
  return renderTimestamp(count, type.unit, type.utc) as string;
}

function topLevel(type: LogicalType, v: Cell): Json {
  if (v === null) return null;
  switch (type.kind) {
    case 'boolean':
      return v as boolean;
    case 'int':
      if (type.bits === 64) return String(v);
      return Number(v);
    case 'float':
      // The server sends a float as the double of its shortest text (0.87001014): fround finds the float.
      return renderFloat(Math.fround(Number(v)));
    case 'double':
      return renderFloat(Number(v));
    case 'binary':
      return Buffer.from(String(v), 'hex').toString('base64');
    case 'decimal':
      return type.precision > 38 ? String(v) : decimalText(String(v), type.scale);
    case 'date':
      return renderDate(Number(v));
    case 'timestamp':
      return fromMicros(BigInt(v as bigint), type);
    case 'list':
    case 'struct':
    case 'map':
      return nested(type, parseExactJson(String(v)));
    default:
      return String(v);
  }
}

/** A value inside Spark's to_json text (numbers kept as their text). */
function nested(type: LogicalType, v: Parsed): Json {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      return v as boolean;
    case 'int':
      return type.bits === 64 ? String((v as Num).text) : Number((v as Num).text);
    case 'float':
      return renderFloat(typeof v === 'string' ? Number(v) : Math.fround(Number((v as Num).text)));
    case 'double':
      return renderFloat(typeof v === 'string' ? Number(v) : Number((v as Num).text));
    case 'decimal':
      return type.precision > 38 ? (v as string) : decimalText((v as Num).text, type.scale);
    case 'timestamp': {
      const [d = '', t = ''] = (v as string).split('T');
      const [y, mo, da] = d.split('-').map(Number);
      const [h, mi, s] = t.split(':');
      const [sec = '0', frac = ''] = (s ?? '0').split('.');
      const days = BigInt(Date.UTC(y!, mo! - 1, da!) / 86_400_000);
      const micros =
        ((days * 24n + BigInt(h!)) * 60n + BigInt(mi!)) * 60_000_000n +
        BigInt(sec) * 1_000_000n +
        BigInt(frac.padEnd(6, '0'));
      return fromMicros(micros, type);
    }
    case 'list':
      return (v as Parsed[]).map((x) => nested(type.element.type, x));
    case 'struct': {
      const o = v as { [k: string]: Parsed };
      return Object.fromEntries(type.fields.map((f) => [f.name, nested(f.type, o[f.name] ?? null)]));
    }
    case 'map': {
      const o = v as { [k: string]: Parsed };
      return Object.entries(o).map(([k, x]) => ({
        key: nested(type.key.type, type.key.type.kind === 'string' ? k : new Num(k)),
        value: nested(type.value.type, x),
      }));
    }
    default:
      return v as string;
  }
}
