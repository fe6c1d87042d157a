import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach } from 'vitest';

/**
 * The real service as a child process (`node --import tsx src/cli/main.ts serve`), spoken to over HTTP.
 * Every server a test file starts is SIGKILLed in afterAll (no orphans); when a test fails, the output of
 * every server it started is printed.
 */
export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const FIXTURES = path.join(ROOT, 'test/fixtures');
export const ADMIN_TOKEN = 'jp-service-test-admin-token-0123456789';
export const ADMIN_PASSWORD = 'service-test-admin-pw';

export interface ServerOptions {
  /** Reuse a data directory (a restart); a fresh temp one otherwise. */
  readonly dataDir?: string;
  /** Storage roots; default: the fixtures and `<dataDir>/results`. */
  readonly storageRoots?: readonly string[];
  /** More environment variables (JOBPUB_LEASE_SECONDS, JOBPUB_DATABASE_URL, …). */
  readonly env?: Record<string, string>;
  readonly label?: string;
}

export interface LogLine {
  readonly msg?: string;
  readonly jobId?: number;
  readonly sessionId?: string;
  readonly [key: string]: unknown;
}

export interface ApiResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body, checked by the tests that read it
  readonly body: any;
}

export interface Server {
  readonly label: string;
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines of stdout. */
  logs(): LogLine[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Sends a signal; answers the exit once the process is gone. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A JSON request as the admin (Bearer token). */
  api(method: string, route: string, body?: unknown): Promise<ApiResponse>;
}

interface Tracked {
  readonly server: Server;
  readonly child: ChildProcess;
}

const started: Tracked[] = [];
/** Data directories made by freshDataDir(): removed at the end unless a test failed. */
const dataDirs: string[] = [];
let failed = false;

/** Registers the hooks of a test file: print outputs on failure, kill every server at the end. */
export function useServers(): void {
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    failed = true;
    for (const { server } of started) {
      process.stderr.write(
        `\n===== ${server.label} (pid ${server.pid}, data ${server.dataDir}) =====\n${tail(server.output())}\n`,
      );
    }
  });
  afterAll(async () => {
    await killAll();
    // Data directories are kept when a test failed, to look at the metadata.
    if (!failed) for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
    started.length = 0;
    dataDirs.length = 0;
  });
}

/** SIGKILLs every server still running and waits until each is gone. */
export async function killAll(): Promise<void> {
  await Promise.all(started.filter((t) => t.server.isRunning()).map((t) => t.server.kill('SIGKILL')));
}

// Last resort: a worker that exits without running afterAll takes its servers with it.
process.once('exit', () => {
  for (const t of started) if (t.server.isRunning()) t.child.kill('SIGKILL');
});

const tail = (s: string, max = 20_000) => (s.length > max ? `…${s.slice(-max)}` : s);

export function freshDataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'jobpub-svcproc-'));
  dataDirs.push(dir);
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server and waits until it listens ("jobpub is listening" on stdout). */
export async function startServer(opts: ServerOptions = {}): Promise<Server> {
  const dataDir = opts.dataDir ?? freshDataDir();
  const port = await freePort();
  const label = `${opts.label ?? 'server'}#${started.length + 1}`;
  const roots = opts.storageRoots ?? [FIXTURES, path.join(dataDir, 'results')];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PORT: String(port),
    HOST: '127.0.0.1',
    JOBPUB_DATA_DIR: dataDir,
    JOBPUB_STORAGE_ROOTS: roots.join(path.delimiter),
    JOBPUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    JOBPUB_ADMIN_TOKEN: ADMIN_TOKEN,
    JOBPUB_DEMO: 'false',
    JOBPUB_POLL_MS: '50',
    // Every request may be polled many times a second: no test should meet the limit.
    JOBPUB_RATE_LIMIT: '100000',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const server: Server = {
    label,
    url,
    dataDir,
    pid: child.pid!,
    output: () => out,
    logs: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as LogLine];
          } catch {
            return [];
          }
        }),
    exited,
    isRunning: () => running,
    async kill(signal) {
      if (running) child.kill(signal);
      return exited;
    },
    async api(method, route, body) {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: res.status, body: parsed };
    },
  };
  started.push({ server, child });

  const deadline = Date.now() + 90_000;
  while (!stdout.includes('"jobpub is listening"')) {
    if (!running) throw new Error(`${label} exited before listening:\n${tail(out)}`);
    if (Date.now() > deadline) throw new Error(`${label} did not listen within 90 s:\n${tail(out)}`);
    await sleep(50);
  }
  return server;
}

/**
 * Drops what a test made (a schema, a database) when it passes, and keeps it when it fails, for a look.
 * Call once at module level; hand each test's drop to the function it returns.
 */
export function keepOnFailure(): (drop: () => Promise<void>) => void {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async (ctx) => {
    if (cleanup && ctx.task.result?.state === 'pass') await cleanup();
    cleanup = undefined;
  });
  return (drop) => {
    cleanup = drop;
  };
}
