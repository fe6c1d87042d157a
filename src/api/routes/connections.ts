import * as z from 'zod/v4';
import { VENDOR_NAMES } from '../../connections/vendors.js';
import { JobpubError } from '../../errors/index.js';
import { canEditConnection } from '../../service/access.js';
import { checkConnection, connectionFields, resolve, visibleConnection } from '../../service/connections.js';
import type { Deps } from '../../service/deps.js';
import { type App, me } from '../app-types.js';
import { ConnectionModel } from '../models.js';
import { presentConnection } from '../present.js';
import { errors, IdParams, listOf, ok, PageQuery, Ref } from '../schemas.js';

const ConnectionBody = z
  .object({
    name: z.string().min(1).max(255),
    vendor: z.enum(VENDOR_NAMES as [string, ...string[]], {
      error: `must be one of ${VENDOR_NAMES.join(', ')}`,
    }),
    type: z.string().optional(),
    host: z.string().min(1).max(255).nullable().optional(),
    port: z.number().int().min(1).max(65535).nullable().optional(),
    ssl: z.boolean().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    credentialType: z.string().optional(),
    credentials: z
      .array(z.record(z.string(), z.string().max(10_000)))
      .max(1)
      .optional(),
    isGlobal: z.boolean().optional(),
    description: z.string().max(10_000).optional(),
  })
  .strict();

export function connectionRoutes(app: App, deps: Deps): void {
  app.post(
    '/v4/connections',
    {
      schema: {
        tags: ['connections'],
        body: ConnectionBody,
        response: {
          201: ok('The connection (credentials are never returned)', ConnectionModel),
          ...errors(403),
        },
      },
    },
    async (req, reply) => {
      const fields = await connectionFields(deps, me(req), req.body);
      const c = await deps.store.connections.create({ ...fields, creatorId: me(req).id });
      return reply.status(201).send(presentConnection(c));
    },
  );

  app.get(
    '/v4/connections',
    {
      schema: {
        tags: ['connections'],
        querystring: PageQuery,
        response: { 200: ok('Connections you may use', listOf(ConnectionModel)), ...errors() },
      },
    },
    async (req) => {
      const out = await deps.store.connections.listVisible(me(req), req.query);
      return { data: out.data.map(presentConnection), count: out.count };
    },
  );

  app.get(
    '/v4/connections/:id',
    {
      schema: {
        tags: ['connections'],
        params: IdParams,
        response: { 200: ok('The connection', ConnectionModel), ...errors(404, 410) },
      },
    },
    async (req) => presentConnection(await visibleConnection(deps, me(req), req.params.id)),
  );

  app.patch(
    '/v4/connections/:id',
    {
      schema: {
        tags: ['connections'],
        params: IdParams,
        body: ConnectionBody.partial().strict(),
        response: { 200: ok('The changed connection', ConnectionModel), ...errors(403, 404, 410) },
      },
    },
    async (req) => {
      const caller = me(req);
      const c = await visibleConnection(deps, caller, req.params.id);
      if (!canEditConnection(caller, c))
        throw new JobpubError('FORBIDDEN', `connection ${c.id} is shared with you read-only`);
      if (req.body.vendor !== undefined && req.body.vendor !== c.vendor) {
        throw new JobpubError('VALIDATION', 'vendor cannot be changed; create a new connection');
      }
      const merged = {
        name: c.name,
        vendor: c.vendor,
        host: c.host,
        port: c.port,
        ssl: c.ssl,
        params: c.params,
        credentialType: c.credentialType,
        credentials: resolve(deps, c).credentials,
        isGlobal: c.isGlobal,
        description: c.description,
        ...req.body,
      };
      if (req.body.isGlobal === undefined && c.isGlobal && !caller.isAdmin) merged.isGlobal = false;
      const updated = await deps.store.connections.update(c.id, await connectionFields(deps, caller, merged));
      return presentConnection(updated);
    },
  );

  app.delete(
    '/v4/connections/:id',
    {
      schema: {
        tags: ['connections'],
        params: IdParams,
        response: { 204: { description: 'Deleted' }, ...errors(403, 404, 409, 410) },
      },
    },
    async (req, reply) => {
      const caller = me(req);
      const c = await visibleConnection(deps, caller, req.params.id);
      if (!canEditConnection(caller, c))
        throw new JobpubError('FORBIDDEN', `connection ${c.id} is shared with you read-only`);
      if (!(await deps.store.connections.softDelete(c.id))) {
        throw new JobpubError(
          'CONFLICT',
          `connection ${c.id} is used by a publish that is queued or running`,
        );
      }
      return reply.status(204).send();
    },
  );

  app.get(
    '/v4/connections/:id/status',
    {
      schema: {
        tags: ['connections'],
        params: IdParams,
        response: {
          200: ok('The target answered', z.object({ result: z.literal('SUCCESS') })),
          ...errors(404, 410),
        },
      },
    },
    async (req) => {
      await checkConnection(deps, await visibleConnection(deps, me(req), req.params.id));
      return { result: 'SUCCESS' as const };
    },
  );

  app.post(
    '/v4/connections/:id/permissions',
    {
      schema: {
        tags: ['connections'],
        params: IdParams,
        body: z.object({ person: Ref, role: z.enum(['viewer'], { error: 'must be viewer' }) }).strict(),
        response: {
          201: ok('Shared', z.object({ connection: Ref, person: Ref, role: z.string() })),
          ...errors(403, 404, 410),
        },
      },
    },
    async (req, reply) => {
      const caller = me(req);
      const c = await visibleConnection(deps, caller, req.params.id);
      if (!canEditConnection(caller, c))
        throw new JobpubError('FORBIDDEN', `only the creator of connection ${c.id} or an admin can share it`);
      const person = await deps.store.people.byId(req.body.person.id);
      if (!person) throw new JobpubError('VALIDATION', `person ${req.body.person.id} does not exist`);
      await deps.store.connections.share(c.id, person.id, req.body.role);
      return reply
        .status(201)
        .send({ connection: { id: c.id }, person: { id: person.id }, role: req.body.role });
    },
  );
}
