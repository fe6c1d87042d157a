import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishAction } from '../domain/publish/actions.js';
import { isJobpubError, JobpubError } from '../errors/index.js';
import { type Progress, PublishFailed, publish, type StepRecord } from '../publish/executor.js';
import { resolve, resultAccess, targetOf } from '../service/connections.js';
import type { Deps } from '../service/deps.js';
import { openChecked } from '../service/results.js';
import type { JobRecord, JobStep, ProgressUpdate } from '../store/jobs.js';
import { scrubber } from './scrub.js';

/** A transient failure (target unreachable or busy) is retried this many times, then the job fails. */
const MAX_ATTEMPTS = 3;
/** Wait before a transient failure is retried: long enough for a restarting database. */
const RETRY_DELAY_MS = 5_000;

export interface Workers {
  /** Stops claiming; waits up to `timeoutMs` for running jobs, then hands the rest back to the queue. */
  stop(timeoutMs: number): Promise<void>;
  readonly owner: string;
}

/**
 * Runs publish jobs: claims the oldest runnable one while fewer than `concurrency` run here, heartbeats
 * its lease (a dead worker's job is reclaimed when the lease runs out), and records the outcome. The
 * loop never throws: a failure is logged and the loop goes on (STYLE: background loops never throw).
 */
export function startWorkers(deps: Deps): Workers {
  const { concurrency, leaseMs, pollMs } = deps.config;
  const owner = `${process.pid}:${randomUUID()}`;
  const running = new Map<number, { done: Promise<void>; abort: AbortController }>();
  let stopping = false;
  const wake = new AbortController();
  let wakeUp = wake;

  const loop = (async () => {
    while (!stopping) {
      try {
        if (running.size < concurrency) {
          const job = await deps.store.jobs.claim(owner, leaseMs, [...running.keys()]);
          if (job) {
            const abort = new AbortController();
            const done = runJob(deps, owner, job, abort.signal)
              .catch((e) => deps.log.error({ err: e, jobId: job.id }, 'job runner failed'))
              .finally(() => {
                running.delete(job.id);
                wakeUp.abort();
              });
            running.set(job.id, { done, abort });
            continue;
          }
        }
      } catch (e) {
        deps.log.error({ err: e }, 'claiming a job failed; retrying');
      }
      wakeUp = new AbortController();
      await sleep(pollMs, undefined, { signal: wakeUp.signal }).catch(() => {});
    }
  })();

  return {
    owner,
    async stop(timeoutMs) {
      stopping = true;
      wakeUp.abort();
      await loop;
      const all = Promise.all([...running.values()].map((r) => r.done));
      const timedOut = await Promise.race([all.then(() => false), sleep(timeoutMs).then(() => true)]);
      if (timedOut) {
        for (const [id, r] of running) {
          deps.log.warn(
            { jobId: id },
            'shutdown timeout: canceling the job and handing it back to the queue',
          );
          r.abort.abort();
        }
        await Promise.race([all, sleep(5_000)]);
        for (const id of running.keys()) await deps.store.jobs.release(id, owner, 0, null).catch(() => {});
      }
    },
  };
}

async function runJob(deps: Deps, owner: string, job: JobRecord, stopSignal: AbortSignal): Promise<void> {
  // The first attempt stages under the job's session id; a retry under a fresh one, so that the next
  // run can tell the dead attempt's staging tables (their session holds no lock) from its own.
  const attemptSession = job.attempts <= 1 ? job.sessionId : randomUUID();
  const log = deps.log.child({ sessionId: job.sessionId, jobId: job.id, attempt: job.attempts });
  const cancel = new AbortController();
  const stopped = () => cancel.abort();
  stopSignal.addEventListener('abort', stopped);
  let latest: ProgressUpdate = { phase: 'plan', percentComplete: 0, rowsWritten: 0, bytesRead: 0 };
  let finalTable: string | undefined;
  let lost = false;
  /** The ownership check before the commit point has run (once per attempt). */
  let fenced = false;
  let scrub = scrubber([]);
  const beat = setInterval(
    () => {
      deps.store.jobs
        .heartbeat(job.id, owner, deps.config.leaseMs, { ...latest, ...(finalTable ? { finalTable } : {}) })
        .then((h) => {
          if (!h.owned) lost = true;
          if (!h.owned || h.cancelRequested) cancel.abort();
        })
        .catch((e) => log.warn({ err: e }, 'heartbeat failed'));
    },
    Math.max(100, deps.config.leaseMs / 3),
  );

  const end = async (
    status: 'Complete' | 'Failed' | 'Canceled',
    o: Partial<{ error: string; steps: readonly StepRecord[]; warnings: readonly string[]; rows: number }>,
  ) => {
    if (lost) return log.warn('lease lost to another worker; leaving the job to it');
    const ok = await deps.store.jobs.finish(job.id, owner, {
      status,
      errorMessage: o.error ?? null,
      steps: (o.steps ?? []).map((s) => toJobStep(s, scrub)),
      warnings: o.warnings ?? [],
      finalTable: finalTable ?? null,
      rowsWritten: o.rows ?? 0,
      bytesRead: latest.bytesRead,
      percentComplete: status === 'Complete' ? 100 : latest.percentComplete,
      phase: status === 'Complete' ? 'done' : latest.phase,
    });
    log.info({ status, rowsWritten: o.rows ?? 0, recorded: ok }, 'publish job ended');
  };

  try {
    if (job.cancelRequested) return await end('Canceled', { error: 'canceled before it started' });
    log.info({ action: job.action, table: job.table }, 'publish job started');
    const group = await deps.store.jobGroups.byId(job.jobGroupId);
    const result = group?.results.find((r) => r.format === job.inputFormat);
    const connection = await deps.store.connections.byId(job.connectionId);
    if (!group || !result || !connection) {
      throw new JobpubError('VALIDATION', 'the job group or connection of this publish no longer exists');
    }
    scrub = scrubber(resolve(deps, connection).credentials.flatMap((c) => Object.values(c)));
    const target = await targetOf(deps, connection);
    const results = await openChecked(result, resultAccess(deps));
    const outcome = await publish(
      {
        target,
        results,
        path: job.path,
        table: job.table,
        action: job.action as PublishAction,
        sessionId: attemptSession,
        signal: cancel.signal,
      },
      {
        onPlan: (plan) => {
          finalTable = plan.finalTable.name;
        },
        onProgress: (p: Progress) => {
          latest = {
            phase: p.phase,
            percentComplete: p.percentComplete,
            rowsWritten: p.rowsWritten,
            bytesRead: p.bytesRead,
          };
        },
        onStep: async (step) => {
          // The fence before the commit point: a worker whose lease ran out (it was paused, or its
          // heartbeats could not reach the store) may have lost the job to another worker, which will
          // publish it again. Heartbeats notice that only every third of the lease; this check, which
          // also renews the lease for the commit, makes sure only the owner commits.
          if (step.phase !== 'swap' || fenced) return;
          fenced = true;
          const h = await deps.store.jobs
            .heartbeat(job.id, owner, deps.config.leaseMs, {
              ...latest,
              ...(finalTable ? { finalTable } : {}),
            })
            .catch((e: unknown) => {
              throw new JobpubError(
                'INTERNAL',
                `the job store could not be reached before the commit; nothing was committed: ${e instanceof Error ? e.message : String(e)}`,
              );
            });
          if (!h.owned) lost = true;
          if (!h.owned || h.cancelRequested) {
            cancel.abort();
            throw new JobpubError(
              'PUBLISH_CANCELED',
              h.owned
                ? 'the publish was canceled; nothing was committed'
                : 'the job was taken over by another worker (its lease ran out); nothing was committed',
            );
          }
        },
      },
    );
    await end('Complete', { steps: outcome.steps, warnings: outcome.warnings, rows: outcome.rowsWritten });
  } catch (e) {
    const err = isJobpubError(e)
      ? e
      : new JobpubError('INTERNAL', e instanceof Error ? e.message : String(e));
    const steps = e instanceof PublishFailed ? e.steps : [];
    const message = scrub(err.message);
    if (err.code === 'PUBLISH_CANCELED') {
      if (stopSignal.aborted && !lost) {
        // This instance is shutting down: the job goes back to the queue, not to Canceled.
        return await deps.store.jobs.release(job.id, owner, 0, null);
      }
      return await end('Canceled', { error: message, steps });
    }
    if (!err.terminal && job.attempts < MAX_ATTEMPTS && !lost) {
      log.warn({ err: message }, `transient failure; retrying in ${RETRY_DELAY_MS / 1000} s`);
      return await deps.store.jobs.release(job.id, owner, RETRY_DELAY_MS, message);
    }
    await end('Failed', { error: message, steps });
  } finally {
    clearInterval(beat);
    stopSignal.removeEventListener('abort', stopped);
  }
}

const toJobStep = (s: StepRecord, scrub: (t: string) => string): JobStep => ({
  name: s.name,
  status: s.status,
  ms: s.ms,
  ...(s.sql ? { sql: s.sql } : {}),
  ...(s.error ? { error: scrub(s.error) } : {}),
});
