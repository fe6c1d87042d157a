/**
 * Names jobpub makes: the timestamp suffix of `create` / `createAndLoad`, and staging objects that carry
 * the publish's session id, so the next run on a target can find and remove what a crashed run left.
 */

/** `yyyyMMddHHmmss` in UTC. */
export function timestampSuffix(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getUTCFullYear(), 4)}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

/** `base`, or `base_2`, `base_3`, … : the first that is not taken (compared with the target's folding). */
export function firstFreeName(base: string, taken: ReadonlySet<string>, fold: (s: string) => string): string {
  if (!taken.has(fold(base))) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(fold(candidate))) return candidate;
  }
}

/** The lock a running publish holds for its whole life: targets answer sessionAlive from it. */
export const sessionLockKey = (sessionId: string): string => `session:${sessionId}`;

/** Every staging object jobpub makes starts with this prefix; the rest is the role and the session id. */
export const STAGING_PREFIX = 'jobpub_';

export type StagingRole = 'stg' | 'old';

/** `jobpub_stg_<32 hex of the session id>`: 43 characters, within every target's identifier limit. */
export function stagingName(sessionId: string, role: StagingRole): string {
  return `${STAGING_PREFIX}${role}_${sessionId.replace(/-/g, '').toLowerCase()}`;
}

const STAGING_PATTERN = /^jobpub_(stg|old)_([0-9a-f]{32})$/;

/** The session id a staging name carries, or undefined for any other name. */
export function stagingSession(name: string): string | undefined {
  const m = STAGING_PATTERN.exec(name.toLowerCase());
  if (!m) return undefined;
  const h = m[2]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
