import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { JobpubError } from '../errors/index.js';
import { hashToken, verifyPassword } from '../security/hashing.js';
import type { Caller, Deps } from '../service/deps.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

const fail = (details: string) => new JobpubError('AUTH_FAILED', details);

const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * `Authorization: Bearer <tokenValue>` or Basic `email:password` (api.md, Authentication). Only hashes are
 * compared; the presented secret is never logged or echoed.
 */
export async function authenticate(deps: Deps, req: FastifyRequest): Promise<Caller> {
  const header = req.headers.authorization;
  if (!header) throw fail('send Authorization: Bearer <token> or Basic <email:password>');
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') return bearer(deps, value);
  if (scheme === 'basic') return basic(deps, value);
  throw fail('unsupported Authorization scheme: use Bearer or Basic');
}

async function bearer(deps: Deps, value: string): Promise<Caller> {
  if (!value) throw fail('the Bearer token is empty');
  const hash = hashToken(value);
  const admin = deps.config.admin.token;
  if (admin && sameHash(hash, hashToken(admin))) {
    const person = await deps.store.people.firstAdmin();
    if (person) return { id: person.id, email: person.email, isAdmin: true };
  }
  const token = await deps.store.tokens.byHash(hash);
  if (!token) throw fail('the token is not valid (it may have been deleted)');
  if (token.expiredAt && token.expiredAt <= new Date().toISOString()) {
    throw fail(`the token ${token.tokenId} expired at ${token.expiredAt}`);
  }
  const person = await deps.store.people.byId(token.personId);
  if (!person) throw fail('the token is not valid');
  await deps.store.tokens.touch(token.id);
  return { id: person.id, email: person.email, isAdmin: person.isAdmin };
}

async function basic(deps: Deps, value: string): Promise<Caller> {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw fail('Basic credentials must be base64 of email:password');
  const found = await deps.store.people.withHashByEmail(decoded.slice(0, colon));
  const password = decoded.slice(colon + 1);
  if (!found || !(await verifyPassword(password, found.passwordHash))) throw fail('wrong email or password');
  return { id: found.person.id, email: found.person.email, isAdmin: found.person.isAdmin };
}
