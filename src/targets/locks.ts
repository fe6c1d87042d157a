/**
 * Publishes within this process: a keyed async mutex (`lock(key)` of the Target contract), per scope (a
 * DuckDB file, a Redshift cluster and database). Targets without locks of their own use it: DuckDB, where
 * one process holds the file and this mutex makes the second publish to a table wait for the first; and
 * Redshift, which has no advisory locks (across processes its serializable isolation decides).
 */
interface Holder {
  /** Resolves when the current holder lets go; waiters queue on it in order. */
  readonly released: Promise<void>;
  readonly release: () => void;
}

const held = new Map<string, Holder>();

function slot(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

/** Waits until no one else in this process holds `key` in `scope`, then holds it. */
export async function acquire(scope: string, key: string): Promise<void> {
  const id = slot(scope, key);
  for (;;) {
    const current = held.get(id);
    if (!current) break;
    await current.released;
  }
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  held.set(id, { released, release });
}

export function release(scope: string, key: string): void {
  const id = slot(scope, key);
  const current = held.get(id);
  if (!current) return;
  held.delete(id);
  current.release();
}

/** Whether a publish in this process holds `key` in `scope` right now. */
export function isHeld(scope: string, key: string): boolean {
  return held.has(slot(scope, key));
}
