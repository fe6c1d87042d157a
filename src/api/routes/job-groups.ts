import * as z from 'zod/v4';
import { PUBLISH_ACTIONS } from '../../domain/publish/actions.js';
import { ERRORS, JobpubError } from '../../errors/index.js';
import { RESULT_FORMATS } from '../../formats/reader.js';
import { owns } from '../../service/access.js';
import { resultAccess, usableConnection } from '../../service/connections.js';
import type { Deps } from '../../service/deps.js';
import { enqueuePublish, planPublishRequest, visibleJobGroup } from '../../service/publish.js';
import { describeResult } from '../../service/results.js';
import type { ResultRecord } from '../../store/job-groups.js';
import { type App, me } from '../app-types.js';
import { JobGroupModel, JobModel, ResultModel } from '../models.js';
import { presentJob, presentJobGroup, presentRecipe, presentResult } from '../present.js';
import { errors, IdParams, listOf, ok, PageQuery, Ref } from '../schemas.js';

const oneOf = (values: readonly string[]) => `must be one of ${values.join(', ')}`;
const Format = z.enum(RESULT_FORMATS, { error: oneOf(RESULT_FORMATS) });

const ResultInput = z
  .object({
    format: Format,
    uri: z.string().min(1).max(4096),
    connection: Ref.optional(),
    header: z.boolean().optional(),
    delimiter: z.string().length(1, 'must be one character').optional(),
  })
  .strict();

const PublishBody = z
  .object({
    connection: Ref,
    path: z
      .array(
        z
          .string()
          .min(1, 'must not be empty')
          .max(1024)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
          .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not hold a NUL or control character'),
      )
      .min(1, 'must hold 1 or 2 names')
      .max(2, 'must hold 1 or 2 names'),
    table: z
      .string()
      .min(1, 'must not be empty')
      .max(1024)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not hold a NUL or control character'),
    action: z.enum(PUBLISH_ACTIONS, { error: oneOf(PUBLISH_ACTIONS) }),
    inputFormat: Format,
    flowNodeId: z.number().int().positive(),
  })
  .strict();

const Embed = z.object({
  embed: z
    .string()
    .max(200)
    .optional()
    .refine((s) => !s || s.split(',').every((a) => a === 'jobs' || a === 'wrangledDataset'), {
      message: 'unknown association: embed takes jobs, wrangledDataset',
    }),
});

/**
 * Like GET /v4/connections/:id/status: a target or result storage that cannot be reached while the request
 * is answered is a 400 with the driver's reason, not a 5xx (api.md's error table has no 503).
 */
const storageAs400 = (e: unknown): never => {
  if (e instanceof JobpubError && ERRORS[e.code].status >= 500) {
    throw new JobpubError('VALIDATION', `could not reach it: ${e.message}`, e.location, { cause: e });
  }
  throw e;
};

export function jobGroupRoutes(app: App, deps: Deps): void {
  app.post(
    '/v4/jobGroups',
    {
      schema: {
        tags: ['jobGroups'],
        body: z.object({ wrangledDataset: Ref, results: z.array(ResultInput).min(1).max(16) }).strict(),
        response: {
          201: ok('The job group, Complete, with each result checked', JobGroupModel),
          ...errors(403),
        },
      },
    },
    async (req, reply) => {
      const caller = me(req);
      const recipe = await deps.store.recipes.byId(req.body.wrangledDataset.id);
      if (!recipe)
        throw new JobpubError('VALIDATION', `wrangledDataset ${req.body.wrangledDataset.id} does not exist`);
      if (!owns(caller, recipe.creatorId))
        throw new JobpubError('FORBIDDEN', `wrangledDataset ${recipe.id} is not yours`);
      const formats = req.body.results.map((r) => r.format);
      const twice = formats.find((f, i) => formats.indexOf(f) !== i);
      if (twice)
        throw new JobpubError('VALIDATION', `results: two results in format ${twice}; give one per format`);
      const results: ResultRecord[] = [];
      const access = resultAccess(deps);
      for (const r of req.body.results) {
        const conn = r.connection ? await usableConnection(deps, caller, r.connection.id) : undefined;
        results.push(await describeResult(r, conn?.id ?? null, access).catch(storageAs400));
      }
      const g = await deps.store.jobGroups.create({ recipeId: recipe.id, creatorId: caller.id, results });
      return reply.status(201).send(presentJobGroup(g));
    },
  );

  app.get(
    '/v4/jobGroups',
    {
      schema: {
        tags: ['jobGroups'],
        querystring: PageQuery,
        response: { 200: ok('Your job groups', listOf(JobGroupModel)), ...errors() },
      },
    },
    async (req) => {
      const out = await deps.store.jobGroups.listVisible(me(req), req.query);
      return { data: out.data.map(presentJobGroup), count: out.count };
    },
  );

  app.get(
    '/v4/jobGroups/:id',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        querystring: Embed,
        response: { 200: ok('The job group', JobGroupModel), ...errors(404, 410) },
      },
    },
    async (req) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      const embed = new Set((req.query.embed ?? '').split(',').filter(Boolean));
      const out: z.infer<typeof JobGroupModel> = presentJobGroup(g);
      if (embed.has('jobs')) out.jobs = (await deps.store.jobs.forJobGroup(g.id, false)).map(presentJob);
      if (embed.has('wrangledDataset')) {
        const r = await deps.store.recipes.byId(g.recipeId);
        if (r) out.wrangledDataset = presentRecipe(r);
      }
      return out;
    },
  );

  app.get(
    '/v4/jobGroups/:id/status',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        response: { 200: ok('The status, a bare JSON string', z.string()), ...errors(404, 410) },
      },
    },
    async (req, reply) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      // A bare JSON string: serialized here, so Fastify does not send it as text.
      return reply.type('application/json').send(JSON.stringify(g.status));
    },
  );

  app.get(
    '/v4/jobGroups/:id/jobs',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        response: { 200: ok('Its publish jobs, oldest first', listOf(JobModel)), ...errors(404, 410) },
      },
    },
    async (req) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      const jobs = (await deps.store.jobs.forJobGroup(g.id, false)).map(presentJob);
      return { data: jobs, count: jobs.length };
    },
  );

  app.get(
    '/v4/jobGroups/:id/publications',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        response: { 200: ok('Its publish jobs, newest first', listOf(JobModel)), ...errors(404, 410) },
      },
    },
    async (req) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      const jobs = (await deps.store.jobs.forJobGroup(g.id, true)).map(presentJob);
      return { data: jobs, count: jobs.length };
    },
  );

  app.get(
    '/v4/jobGroups/:id/outputs',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        response: { 200: ok('Its results', listOf(ResultModel)), ...errors(404, 410) },
      },
    },
    async (req) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      return { data: g.results.map(presentResult), count: g.results.length };
    },
  );

  app.delete(
    '/v4/jobGroups/:id',
    {
      schema: {
        tags: ['jobGroups'],
        params: IdParams,
        response: { 204: { description: 'Deleted' }, ...errors(404, 409, 410) },
      },
    },
    async (req, reply) => {
      const g = await visibleJobGroup(deps, me(req), req.params.id);
      const busy = (await deps.store.jobs.forJobGroup(g.id, false)).some(
        (j) => j.status === 'Pending' || j.status === 'InProgress',
      );
      if (busy) throw new JobpubError('CONFLICT', `jobGroup ${g.id} has a publish that is queued or running`);
      await deps.store.jobGroups.softDelete(g.id);
      return reply.status(204).send();
    },
  );

  app.put(
    '/v4/jobGroups/:id/publish',
    {
      schema: {
        tags: ['publish'],
        params: IdParams,
        querystring: z.object({
          dryRun: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
        }),
        body: PublishBody,
        response: {
          200: ok(
            'Enqueued (or, with dryRun=true, the plan)',
            z.union([
              z.object({
                jobgroupId: z.number().int(),
                reason: z.literal('JobStarted'),
                sessionId: z.string(),
              }),
              z.object({ plan: z.record(z.string(), z.unknown()) }),
            ]),
          ),
          ...errors(403, 404, 409, 410),
        },
      },
    },
    async (req) => {
      const caller = me(req);
      if (req.query.dryRun === 'true') {
        const plan = await planPublishRequest(deps, caller, req.params.id, req.body).catch(storageAs400);
        return { plan: JSON.parse(JSON.stringify(plan)) as Record<string, unknown> };
      }
      const { job, duplicate } = await enqueuePublish(deps, caller, req.params.id, req.body);
      req.log.info({ sessionId: job.sessionId, jobId: job.id, duplicate }, 'publish enqueued');
      return { jobgroupId: req.params.id, reason: 'JobStarted' as const, sessionId: job.sessionId };
    },
  );
}
