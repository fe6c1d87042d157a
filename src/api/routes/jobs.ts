import { JobpubError } from '../../errors/index.js';
import { notFound } from '../../service/access.js';
import type { Deps } from '../../service/deps.js';
import { visibleJobGroup } from '../../service/publish.js';
import { type App, me } from '../app-types.js';
import { JobModel } from '../models.js';
import { presentJob } from '../present.js';
import { errors, IdParams, ok } from '../schemas.js';

export function jobRoutes(app: App, deps: Deps): void {
  /** A job is visible with its job group (a deleted group's jobs stay readable by id). */
  const visibleJob = async (req: Parameters<typeof me>[0], id: number) => {
    const job = await deps.store.jobs.byId(id);
    if (!job) throw notFound('job', id);
    try {
      await visibleJobGroup(deps, me(req), job.jobGroupId);
    } catch (e) {
      if (e instanceof JobpubError && e.code === 'GONE') return job;
      throw notFound('job', id);
    }
    return job;
  };

  app.get(
    '/v4/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        params: IdParams,
        response: { 200: ok('The publish job', JobModel), ...errors(404) },
      },
    },
    async (req) => presentJob(await visibleJob(req, req.params.id)),
  );

  app.post(
    '/v4/jobs/:id/cancel',
    {
      schema: {
        tags: ['jobs'],
        params: IdParams,
        response: {
          200: ok('Canceled, or asked to stop (it ends Canceled unless it had committed)', JobModel),
          ...errors(404),
        },
      },
    },
    async (req) => {
      const job = await visibleJob(req, req.params.id);
      if (job.status !== 'Pending' && job.status !== 'InProgress') {
        throw new JobpubError(
          'VALIDATION',
          `job ${job.id} is ${job.status}; only a Pending or InProgress job can be canceled`,
        );
      }
      const now = await deps.store.jobs.requestCancel(job.id);
      return presentJob(now ?? job);
    },
  );
}
