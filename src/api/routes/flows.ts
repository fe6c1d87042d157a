import * as z from 'zod/v4';
import { JobpubError } from '../../errors/index.js';
import { notFound, owns } from '../../service/access.js';
import type { Deps } from '../../service/deps.js';
import { type App, me } from '../app-types.js';
import { FlowModel, RecipeModel } from '../models.js';
import { presentFlow, presentRecipe } from '../present.js';
import { errors, IdParams, listOf, ok, PageQuery, Ref } from '../schemas.js';

/** Flows and recipes (wrangledDatasets): minimal, because a publish names the recipe it came from. */
export function flowRoutes(app: App, deps: Deps): void {
  app.post(
    '/v4/flows',
    {
      schema: {
        tags: ['flows'],
        body: z
          .object({ name: z.string().min(1).max(255), description: z.string().max(10_000).default('') })
          .strict(),
        response: { 201: ok('The flow', FlowModel), ...errors() },
      },
    },
    async (req, reply) => {
      const f = await deps.store.flows.create({ ...req.body, creatorId: me(req).id });
      return reply.status(201).send(presentFlow(f));
    },
  );

  app.get(
    '/v4/flows',
    {
      schema: {
        tags: ['flows'],
        querystring: PageQuery,
        response: { 200: ok('Your flows', listOf(FlowModel)), ...errors() },
      },
    },
    async (req) => {
      const out = await deps.store.flows.listVisible(me(req), req.query);
      return { data: out.data.map(presentFlow), count: out.count };
    },
  );

  app.get(
    '/v4/flows/:id',
    {
      schema: {
        tags: ['flows'],
        params: IdParams,
        response: { 200: ok('The flow', FlowModel), ...errors(404) },
      },
    },
    async (req) => {
      const f = await deps.store.flows.byId(req.params.id);
      if (!f || !owns(me(req), f.creatorId)) throw notFound('flow', req.params.id);
      return presentFlow(f);
    },
  );

  app.post(
    '/v4/wrangledDatasets',
    {
      schema: {
        tags: ['flows'],
        body: z.object({ name: z.string().min(1).max(255), flow: Ref }).strict(),
        response: {
          201: ok('The recipe; its id is the flowNodeId of a publish', RecipeModel),
          ...errors(403),
        },
      },
    },
    async (req, reply) => {
      const flow = await deps.store.flows.byId(req.body.flow.id);
      if (!flow) throw new JobpubError('VALIDATION', `flow ${req.body.flow.id} does not exist`);
      if (!owns(me(req), flow.creatorId)) throw new JobpubError('FORBIDDEN', `flow ${flow.id} is not yours`);
      const r = await deps.store.recipes.create({
        name: req.body.name,
        flowId: flow.id,
        creatorId: me(req).id,
      });
      return reply.status(201).send(presentRecipe(r));
    },
  );

  app.get(
    '/v4/wrangledDatasets',
    {
      schema: {
        tags: ['flows'],
        querystring: PageQuery,
        response: { 200: ok('Your recipes', listOf(RecipeModel)), ...errors() },
      },
    },
    async (req) => {
      const out = await deps.store.recipes.listVisible(me(req), req.query);
      return { data: out.data.map(presentRecipe), count: out.count };
    },
  );

  app.get(
    '/v4/wrangledDatasets/:id',
    {
      schema: {
        tags: ['flows'],
        params: IdParams,
        response: { 200: ok('The recipe', RecipeModel), ...errors(404) },
      },
    },
    async (req) => {
      const r = await deps.store.recipes.byId(req.params.id);
      if (!r || !owns(me(req), r.creatorId)) throw notFound('wrangledDataset', req.params.id);
      return presentRecipe(r);
    },
  );
}
