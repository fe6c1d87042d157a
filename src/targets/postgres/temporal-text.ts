import { civilFromDays } from '../../domain/schema/index.js';

/**
 * Fast text for dates, times and timestamps in COPY: the same text as the shared encoder
 * (src/targets/encode/sql-text.ts) for the common range, about ten times faster, because a load writes
 * one per row and column (BigInt arithmetic and string padding dominated the load's CPU time).
 * Day and second-of-day strings are cached; anything outside years 1..9999, outside ±2^53 units, or in
 * nanoseconds answers undefined and the caller uses the shared encoder.
 */

const DAY_CACHE_LIMIT = 200_000;
const dayCache = new Map<number, string>();
const clockCache: (string | undefined)[] = new Array(86_400);

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** `YYYY-MM-DD` for years 1..9999, else undefined. */
export function dateText(days: number): string | undefined {
  const hit = dayCache.get(days);
  if (hit !== undefined) return hit;
  const { year, month, day } = civilFromDays(days);
  if (year < 1 || year > 9999) return undefined;
  const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
  if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
  dayCache.set(days, text);
  return text;
}

/** `HH:MM:SS` for a second of the day in 0..86399. */
function clockText(sod: number): string {
  let s = clockCache[sod];
  if (s === undefined) {
    s = `${two(Math.floor(sod / 3600))}:${two(Math.floor(sod / 60) % 60)}:${two(sod % 60)}`;
    clockCache[sod] = s;
  }
  return s;
}

const PER = { ms: 1e3, us: 1e6 } as const;
/** '000'..'999': fractions are written from these, not through number-to-string conversion. */
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `.fff` / `.ffffff`: the fraction with leading zeros, as many digits as the unit has. */
const fraction = (frac: number, unit: 'ms' | 'us') =>
  unit === 'ms' ? `.${THREE[frac]}` : `.${THREE[Math.floor(frac / 1000)]}${THREE[frac % 1000]}`;

/** `YYYY-MM-DD HH:MM:SS.ffffff` (or `.fff`) for a count of ms/us since the epoch, or undefined. */
export function timestampText(v: bigint, unit: 'ms' | 'us'): string | undefined {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) return undefined;
  const per = PER[unit];
  let secs = Math.floor(n / per);
  let frac = n - secs * per;
  // The float division can round across a second boundary near ±2^53: put it back.
  if (frac < 0) {
    secs -= 1;
    frac += per;
  } else if (frac >= per) {
    secs += 1;
    frac -= per;
  }
  const days = Math.floor(secs / 86_400);
  const date = dateText(days);
  if (date === undefined) return undefined;
  return `${date} ${clockText(secs - days * 86_400)}${fraction(frac, unit)}`;
}

/** `HH:MM:SS.ffffff` (or `.fff`) for a time of day in ms/us, or undefined outside 00:00..23:59:59. */
export function timeText(v: bigint, unit: 'ms' | 'us'): string | undefined {
  const n = Number(v);
  const per = PER[unit];
  const secs = Math.floor(n / per);
  if (n < 0 || secs >= 86_400) return undefined;
  return `${clockText(secs)}${fraction(n - secs * per, unit)}`;
}
