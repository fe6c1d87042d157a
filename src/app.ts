import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import {
  type FastifyZodOpenApiTypeProvider,
  fastifyZodOpenApiPlugin,
  fastifyZodOpenApiTransformers,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-zod-openapi';
import type { App } from './api/app-types.js';
import { authenticate } from './api/auth.js';
import { registerErrorHandlers, toException } from './api/errors.js';
import { rateLimiter } from './api/rate-limit.js';
import { connectionRoutes } from './api/routes/connections.js';
import { flowRoutes } from './api/routes/flows.js';
import { jobGroupRoutes } from './api/routes/job-groups.js';
import { jobRoutes } from './api/routes/jobs.js';
import { peopleRoutes } from './api/routes/people.js';
import type { Deps } from './service/deps.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The HTTP app, built but not listening (tests use `inject()`). Every route has one zod schema that gives
 * validation, types and the OpenAPI document at /docs (JSON at /docs/json); every error is the spec's
 * `{"exception": …}` JSON.
 */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // A caller's x-request-id is kept when it is a plain token; otherwise a new one is made.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    // Errors the router raises before any hook runs (a path parameter longer than maxParamLength, a
    // malformed %-escape) get the spec's exception JSON and an x-request-id too.
    frameworkErrors: (err, req, reply) => {
      const ex = toException(err);
      return (reply as FastifyReply).header('x-request-id', req.id).status(ex.status).send(ex.body);
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandlers(app);
  // Every body is JSON (api.md): Fastify's built-in text/plain parser would let a text body through to
  // validation as a string (a 400) instead of the 415 the spec asks for.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(fastifyZodOpenApiPlugin);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'jobpub',
        version: '4',
        description: 'Publish the results of a data job into warehouse tables (Trifacta v4 compatible).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          basic: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ bearer: [] }, { basic: [] }],
    },
    ...fastifyZodOpenApiTransformers,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(async (v4) => {
    const api = v4.withTypeProvider<FastifyZodOpenApiTypeProvider>() as unknown as App;
    api.addHook('onRequest', rateLimiter(deps.config.rateLimitPerMinute));
    api.addHook('onRequest', async (req) => {
      req.caller = await authenticate(deps, req);
    });
    peopleRoutes(api, deps);
    connectionRoutes(api, deps);
    flowRoutes(api, deps);
    jobGroupRoutes(api, deps);
    jobRoutes(api, deps);
  });
  return app;
}
