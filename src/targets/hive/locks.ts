import { hostname } from 'node:os';

/**
 * Hive has no advisory locks a client can take: within a process, jobpub's shared keyed mutex (../locks.ts)
 * per HiveServer2 queues publishes to one table; across processes, table-lock.ts.
 * Across processes, a staging folder says who owns it (OWNER_FILE: host and pid), which is what
 * sessionAlive() reads before a leftover is removed.
 */
export { acquire, isHeld, release } from '../locks.js';

/** Hadoop and Spark skip files whose names start with `_` or `.`: this one is never read as data. */
export const OWNER_FILE = '_jobpub_owner';

/** Another host's folder is taken as alive for this long (its process cannot be checked from here). */
const FOREIGN_HOST_GRACE_MS = 24 * 3600 * 1000;

export const ownerText = (): string => JSON.stringify({ host: hostname(), pid: process.pid, at: Date.now() });

/**
 * Whether the process that wrote a staging folder's owner file (its text; undefined when there is none)
 * still runs: on this host, by its pid; on another host, for a day after it started. No owner file (or one
 * that does not parse): nobody (a crash before the folder was claimed). The staging stores read the file
 * (staging-store.ts); this judges it, the same way for every store.
 */
export function ownerTextAlive(text: string | undefined): boolean {
  if (text === undefined) return false;
  let owner: { host?: string; pid?: number; at?: number };
  try {
    owner = JSON.parse(text);
  } catch {
    return false;
  }
  if (owner === null || typeof owner !== 'object') return false;
  if (owner.host !== hostname()) return Date.now() - Number(owner.at ?? 0) < FOREIGN_HOST_GRACE_MS;
  if (owner.pid === process.pid) return false; // this process: isHeld() said it does not run here
  try {
    process.kill(Number(owner.pid), 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
