/**
 * Publishes within this process: a keyed async mutex (`lock(key)` of the Target contract), per database
 * file. DuckDB lets one process hold a file, so across processes the file lock itself serializes
 * publishes (see instances.ts); inside one process, publishes share the file's instance and this mutex
 * makes the second publish to a table wait for the first.
 */
interface Holder {
  /** Resolves when the current holder lets go; waiters queue on it in order. */
  readonly released: Promise<void>;
  readonly release: () => void;
}

const held = new Map<string, Holder>();

function slot(file: string, key: string): string {
  return `${file}\u0000${key}`;
}

/** Waits until no one else in this process holds `key` on `file`, then holds it. */
export async function acquire(file: string, key: string): Promise<void> {
  const id = slot(file, key);
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

export function release(file: string, key: string): void {
  const id = slot(file, key);
  const current = held.get(id);
  if (!current) return;
  held.delete(id);
  current.release();
}

/** Whether a publish in this process holds `key` on `file` right now. */
export function isHeld(file: string, key: string): boolean {
  return held.has(slot(file, key));
}
