import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { JobpubError } from '../../errors/index.js';
import { duckdbErrorType, mapDuckdbError } from './errors.js';

/**
 * One DuckDB instance per database file per process, opened when the first publish needs it and closed
 * when the last one lets go (so the file is free for other processes between publishes).
 *
 * Why shared: DuckDB's file lock is a POSIX record lock, which a process never conflicts with itself on;
 * two instances of one file in one process would both "hold" it and write over each other. Sharing the
 * instance and giving each publish its own connection is DuckDB's supported way to be concurrent.
 *
 * Across processes the file lock decides: while another process holds the file, opening fails with an
 * IO Error, and we retry with backoff (that is how a second publish waits for the first) until the busy
 * timeout, then fail with TARGET_BUSY.
 */
interface Open {
  readonly instance: Promise<DuckDBInstance>;
  /** Set once opened, so the last release closes it synchronously (no other open can slip in between). */
  ready?: DuckDBInstance;
  refs: number;
}

const opened = new Map<string, Open>();

/** How long a publish waits for another process to let go of the file. */
export const DEFAULT_BUSY_TIMEOUT_MS = 60_000;
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;

/**
 * DuckDB's settings for jobpub's instances, chosen by measurement so that a publish stays within jobpub's
 * 256 MB peak RSS whatever the input size (docs/performance.md; 5 M-row, 8-column Parquet of
 * `npm run bench:publish`, and a 1 GB / 17 M-row Parquet file):
 *
 * - memory_limit: with DuckDB's default (80% of RAM) the buffer pool keeps every block of the table being
 *   loaded: 515-535 MB peak RSS for 5 M rows, 1.16 GB for the 1 GB file. A big insert writes its row groups
 *   to the database file before COMMIT, so under a limit DuckDB only drops those blocks from memory: the
 *   transaction stays whole and nothing spilled to the temp directory in these loads. The rest of the
 *   process is ~110 MB (Node, the DuckDB library, an open instance) plus ~20-30 MB per DuckDB thread
 *   outside the limit, so peak RSS ≈ 110 + limit + threads × 25: 64 MB → 212-221 MB, 72 MB → 220-223 MB,
 *   80 MB → 224-237 MB, 96 MB → 257-267 MB (over), 100 MB → 252-256 MB. 64 and 80 MB both loaded the 5 M rows in
 *   1.5 s (as fast as no limit); 72 MB took the same CPU time and keeps ~30 MB of margin.
 * - threads: 2, so the part outside the limit does not grow with the machine's core count (1 thread: ~1.8x
 *   slower; 2 is DuckDB's own default on the 2-core benchmark machine).
 *
 * The native Parquet load also sets preserve_insertion_order = false for its INSERT (loader.ts).
 */
export const INSTANCE_SETTINGS: Readonly<Record<string, string>> = {
  memory_limit: '72MB',
  threads: '2',
};

export async function acquireInstance(file: string, busyTimeoutMs: number): Promise<DuckDBInstance> {
  let entry = opened.get(file);
  if (!entry) {
    entry = { instance: openWithRetry(file, busyTimeoutMs), refs: 0 };
    opened.set(file, entry);
    const e = entry;
    e.instance.then(
      (instance) => {
        e.ready = instance;
      },
      () => {
        if (opened.get(file) === e) opened.delete(file);
      },
    );
  }
  entry.refs++;
  try {
    return await entry.instance;
  } catch (err) {
    entry.refs--;
    throw err;
  }
}

/** Lets go of the file; the last user closes it (synchronously: checkpoint, then the lock is dropped). */
export function releaseInstance(file: string): void {
  const entry = opened.get(file);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  opened.delete(file);
  entry.ready?.closeSync();
}

async function openWithRetry(file: string, busyTimeoutMs: number): Promise<DuckDBInstance> {
  const deadline = Date.now() + busyTimeoutMs;
  let wait = FIRST_RETRY_MS;
  for (;;) {
    try {
      return await DuckDBInstance.create(file, INSTANCE_SETTINGS);
    } catch (e) {
      if (duckdbErrorType(e) !== 'IO') throw mapDuckdbError(e);
      // An IO Error on open is either the lock of another process or a file we cannot use. The node API
      // gives no code to tell them apart, so check the file ourselves: if it is usable, the lock it is.
      const unusable = await whyUnusable(file);
      if (unusable)
        throw new JobpubError('TARGET_REJECTED', `DuckDB file ${file}: ${unusable}`, {}, { cause: e });
      if (Date.now() + wait > deadline) {
        throw new JobpubError(
          'TARGET_BUSY',
          `DuckDB file ${file} is held by another process (DuckDB allows one process per file); waited ${Math.round(busyTimeoutMs / 1000)} s`,
          {},
          { cause: e },
        );
      }
      await sleep(wait);
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
  }
}

/** DuckDB files start with 8 bytes of checksum, then the magic `DUCK`. */
const MAGIC = Buffer.from('DUCK');

/** Why DuckDB cannot open `file` whoever holds it, or undefined when it looks usable. */
export async function whyUnusable(file: string): Promise<string | undefined> {
  const dir = path.dirname(file);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) return `the folder ${dir} does not exist`;
  const fileStat = await stat(file).catch(() => undefined);
  if (!fileStat) {
    return (await canAccess(dir, constants.W_OK))
      ? undefined
      : `cannot create the file: the folder is not writable`;
  }
  if (!fileStat.isFile()) return 'is not a regular file';
  if (!(await canAccess(file, constants.R_OK | constants.W_OK))) return 'is not readable and writable';
  const head = Buffer.alloc(12);
  const fh = await open(file, 'r');
  try {
    const { bytesRead } = await fh.read(head, 0, 12, 0);
    if (bytesRead < 12 || !head.subarray(8, 12).equals(MAGIC)) return 'is not a DuckDB database file';
  } finally {
    await fh.close();
  }
  return undefined;
}

async function canAccess(p: string, mode: number): Promise<boolean> {
  return access(p, mode).then(
    () => true,
    () => false,
  );
}
