import { randomUUID } from 'node:crypto';
import * as z from 'zod/v4';
import { JobpubError } from '../../errors/index.js';
import { hashPassword, hashToken, newTokenValue } from '../../security/hashing.js';
import { notFound } from '../../service/access.js';
import type { Deps } from '../../service/deps.js';
import { type App, me } from '../app-types.js';
import { PersonModel, TokenInfoModel } from '../models.js';
import { presentPerson, presentToken } from '../present.js';
import { errors, IdParams, listOf, ok, PageQuery } from '../schemas.js';

/**
 * RFC 5321 limits the documented `format: email` implies and z.email()'s pattern does not check: at most
 * 254 characters, 64 before the @, domain labels of at most 63 that do not end in a hyphen.
 */
const isMailbox = (e: string) => {
  const at = e.lastIndexOf('@');
  return (
    e.length <= 254 &&
    at >= 1 &&
    at <= 64 &&
    e
      .slice(at + 1)
      .split('.')
      .every((label) => label.length <= 63 && !label.endsWith('-'))
  );
};

/** The longest token life that may be asked for: ten years. */
const MAX_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;

export function peopleRoutes(app: App, deps: Deps): void {
  app.post(
    '/v4/apiAccessTokens',
    {
      schema: {
        tags: ['auth'],
        body: z
          .object({
            lifetimeSeconds: z
              .number()
              .int()
              .refine((n) => n === -1 || (n >= 1 && n <= MAX_LIFETIME_SECONDS), {
                message: `must be -1 (never expires) or 1 to ${MAX_LIFETIME_SECONDS}`,
              }),
            description: z.string().max(1000).default(''),
          })
          .strict(),
        response: {
          201: ok(
            'The token; tokenValue is shown only now',
            z.object({ tokenValue: z.string(), tokenInfo: TokenInfoModel }),
          ),
          ...errors(),
        },
      },
    },
    async (req, reply) => {
      const tokenValue = newTokenValue();
      const { lifetimeSeconds, description } = req.body;
      const token = await deps.store.tokens.create({
        tokenId: randomUUID(),
        personId: me(req).id,
        tokenHash: hashToken(tokenValue),
        description,
        expiresAt:
          lifetimeSeconds === -1 ? null : new Date(Date.now() + lifetimeSeconds * 1000).toISOString(),
      });
      return reply.status(201).send({ tokenValue, tokenInfo: presentToken(token) });
    },
  );

  app.get(
    '/v4/apiAccessTokens',
    {
      schema: {
        tags: ['auth'],
        querystring: PageQuery,
        response: { 200: ok('Your tokens', listOf(TokenInfoModel)), ...errors() },
      },
    },
    async (req) => {
      const out = await deps.store.tokens.listFor(me(req).id, req.query);
      return { data: out.data.map(presentToken), count: out.count };
    },
  );

  const TokenParams = z.object({ tokenId: z.string().min(1).max(100) });
  const ownToken = async (tokenId: string, callerId: number, isAdmin: boolean) => {
    const t = await deps.store.tokens.byTokenId(tokenId);
    if (!t || (t.personId !== callerId && !isAdmin)) throw notFound('apiAccessToken', tokenId);
    return t;
  };

  app.get(
    '/v4/apiAccessTokens/:tokenId',
    {
      schema: {
        tags: ['auth'],
        params: TokenParams,
        response: { 200: ok('The token', TokenInfoModel), ...errors(404) },
      },
    },
    async (req) => presentToken(await ownToken(req.params.tokenId, me(req).id, me(req).isAdmin)),
  );

  app.delete(
    '/v4/apiAccessTokens/:tokenId',
    {
      schema: {
        tags: ['auth'],
        params: TokenParams,
        response: { 204: { description: 'Deleted' }, ...errors(404) },
      },
    },
    async (req, reply) => {
      const t = await ownToken(req.params.tokenId, me(req).id, me(req).isAdmin);
      await deps.store.tokens.remove(t.tokenId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v4/people',
    {
      schema: {
        tags: ['people'],
        body: z
          .object({
            email: z
              .email()
              .max(254)
              .refine(isMailbox, 'must be at most 254 characters, 64 before the @, labels of at most 63'),
            name: z.string().min(1).max(255),
            password: z.string().min(8, 'must be at least 8 characters').max(1000),
            isAdmin: z.boolean().default(false),
          })
          .strict(),
        response: { 201: ok('The person', PersonModel), ...errors(403, 409) },
      },
    },
    async (req, reply) => {
      if (!me(req).isAdmin) throw new JobpubError('FORBIDDEN', 'only an admin can create people');
      const { email, name, password, isAdmin } = req.body;
      if (await deps.store.people.withHashByEmail(email)) {
        throw new JobpubError('CONFLICT', `a person with email ${email} already exists`);
      }
      const person = await deps.store.people.create({
        email,
        name,
        passwordHash: await hashPassword(password),
        isAdmin,
      });
      return reply.status(201).send(presentPerson(person));
    },
  );

  app.get(
    '/v4/people/current',
    { schema: { tags: ['people'], response: { 200: ok('The caller', PersonModel), ...errors() } } },
    async (req) => {
      const p = await deps.store.people.byId(me(req).id);
      if (!p) throw notFound('person', me(req).id);
      return presentPerson(p);
    },
  );

  app.get(
    '/v4/people',
    {
      schema: {
        tags: ['people'],
        querystring: PageQuery,
        response: { 200: ok('Everyone (admins only)', listOf(PersonModel)), ...errors(403) },
      },
    },
    async (req) => {
      if (!me(req).isAdmin) throw new JobpubError('FORBIDDEN', 'only an admin can list people');
      const out = await deps.store.people.list(req.query);
      return { data: out.data.map(presentPerson), count: out.count };
    },
  );

  app.get(
    '/v4/people/:id',
    {
      schema: {
        tags: ['people'],
        params: IdParams,
        response: { 200: ok('The person', PersonModel), ...errors(404) },
      },
    },
    async (req) => {
      const caller = me(req);
      const p = await deps.store.people.byId(req.params.id);
      if (!p || (!caller.isAdmin && p.id !== caller.id)) throw notFound('person', req.params.id);
      return presentPerson(p);
    },
  );
}
