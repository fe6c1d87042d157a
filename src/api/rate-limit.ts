import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JobpubError } from '../errors/index.js';

const WINDOW_MS = 60_000;

/**
 * Whom a request counts against. Basic credentials count against their email, not the whole header: a
 * header per guessed password would otherwise get a fresh window each, and password guessing would never
 * be limited. A Bearer token counts against its hash (guessing a 256-bit token is hopeless anyway); no
 * credentials against the address.
 */
function callerKey(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  if (!auth) return `ip:${req.ip}`;
  const [scheme = '', value = ''] = auth.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const email = (colon < 0 ? decoded : decoded.slice(0, colon)).trim().toLowerCase();
    return `basic:${createHash('sha256').update(email).digest('hex')}`;
  }
  return `auth:${createHash('sha256').update(auth).digest('hex')}`;
}

/**
 * A fixed one-minute window per caller (see callerKey). Every
 * answer carries `x-rate-limit-limit`, `x-rate-limit-remaining` and `x-rate-limit-reset` (seconds); a
 * refused one also `retry-after` (api.md: 429).
 */
export function rateLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const now = Date.now();
    if (now - lastSweep > WINDOW_MS) {
      for (const [k, w] of windows) if (now - w.start >= WINDOW_MS) windows.delete(k);
      lastSweep = now;
    }
    const key = callerKey(req);
    let w = windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const reset = Math.ceil((w.start + WINDOW_MS - now) / 1000);
    reply.header('x-rate-limit-limit', perMinute);
    reply.header('x-rate-limit-remaining', Math.max(0, perMinute - w.count));
    reply.header('x-rate-limit-reset', reset);
    if (w.count > perMinute) {
      reply.header('retry-after', reset);
      throw new JobpubError(
        'RATE_LIMITED',
        `more than ${perMinute} requests in a minute; retry in ${reset} s`,
      );
    }
  };
}
