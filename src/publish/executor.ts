import { randomUUID } from 'node:crypto';
import { ACTIONS, type PublishAction } from '../domain/publish/actions.js';
import { STAGING_PREFIX, sessionLockKey, stagingSession } from '../domain/publish/naming.js';
import { isJobpubError, JobpubError } from '../errors/index.js';
import type { OpenedResults } from '../formats/reader.js';
import type { Target, TargetConnection } from '../targets/contract.js';
import { compile } from '../targets/ddl/compiler.js';
import { sql, type TableRef } from '../targets/ddl/nodes.js';
import { folder } from './names.js';
import type { Phase, Plan, PlanStep } from './plan.js';
import { planPublish } from './planner.js';
import { redact } from './redact.js';

export interface PublishRequest {
  readonly target: Target;
  readonly results: OpenedResults;
  readonly path: readonly string[];
  readonly table: string;
  readonly action: PublishAction;
  readonly sessionId?: string;
  readonly now?: Date;
  readonly dryRun?: boolean;
  /**
   * Aborting cancels the publish if it has not reached its swap phase (where it commits): the target is
   * put back as after any failure. Once the swap has begun the publish runs to its end.
   */
  readonly signal?: AbortSignal;
}

export type StepStatus = 'Complete' | 'Failed' | 'NotExecuted';

export interface StepRecord {
  readonly name: string;
  readonly phase: Phase | 'plan';
  status: StepStatus;
  ms: number;
  readonly sql?: string;
  error?: string;
}

export interface Progress {
  readonly phase: Phase | 'plan';
  readonly rowsWritten: number;
  readonly rowsTotal: number;
  readonly bytesRead: number;
  readonly percentComplete: number;
}

export interface PublishEvents {
  onProgress?(p: Progress): void;
  /** Called once the plan is made, before any step runs (the final table's name is known here). */
  onPlan?(plan: Plan): void;
  /** Called before each step runs (the fault-injection tests stop the process here). */
  onStep?(step: StepRecord): void | Promise<void>;
}

export interface PublishOutcome {
  readonly sessionId: string;
  readonly plan: Plan;
  readonly finalTable: TableRef;
  readonly rowsWritten: number;
  readonly warnings: readonly string[];
  readonly steps: readonly StepRecord[];
  readonly dryRun: boolean;
}

/** A failed publish: the coded error, and the steps as far as they went (for the job record). */
export class PublishFailed extends JobpubError {
  constructor(
    cause: JobpubError,
    readonly steps: readonly StepRecord[],
    readonly plan: Plan | undefined,
  ) {
    super(cause.code, cause.message, cause.location, { cause });
    this.name = 'PublishFailed';
  }
}

const tableLockKey = (t: TableRef, fold: (s: string) => string) =>
  `table:${fold(t.namespace ?? '')}.${fold(t.name)}`;

/**
 * Runs a publish: lock the table, clear what crashed publishes left, describe, plan (pure), then run the
 * plan's steps, recording each one's status, time and SQL. On any failure before the commit point the
 * target is put back: the transaction rolls back and staging objects are dropped.
 */
export async function publish(req: PublishRequest, events: PublishEvents = {}): Promise<PublishOutcome> {
  const sessionId = req.sessionId ?? randomUUID();
  const target = req.target;
  const fold = folder(target.capabilities);
  const requested = target.resolveTable(req.path, req.table);
  const steps: StepRecord[] = [];
  let plan: Plan | undefined;
  let conn: TargetConnection | undefined;
  let swapping = false;
  /** Once cleanup has begun the publish is done: a failure then must not undo it. */
  let cleaningUp = false;
  const checkCanceled = () => {
    if (req.signal?.aborted && !swapping) {
      throw new JobpubError('PUBLISH_CANCELED', 'the publish was canceled; nothing was committed');
    }
  };
  // Bytes only grow: steps after the load report 0, which must not erase what the loader read.
  let bytesSoFar = 0;
  const report = (phase: Progress['phase'], rowsWritten: number, bytes: number) => {
    checkCanceled();
    bytesSoFar = Math.max(bytesSoFar, bytes);
    const bytesRead = bytesSoFar;
    events.onProgress?.({
      phase,
      rowsWritten,
      rowsTotal: req.results.rowCount,
      bytesRead,
      percentComplete:
        req.results.rowCount === 0 ? 0 : Math.floor((rowsWritten / req.results.rowCount) * 100),
    });
  };

  try {
    conn = await target.connect().catch((e: unknown) => {
      throw target.mapError(e);
    });
    const planStep = record(steps, 'plan', 'plan');
    const started = Date.now();
    if (!req.dryRun) {
      await conn.lock(sessionLockKey(sessionId));
      await conn.lock(tableLockKey(requested, fold));
      await dropLeftovers(conn, target, requested.namespace, steps);
    }
    const existing = await conn.describeTable(requested);
    const taken = ACTIONS[req.action].timestamped
      ? new Set(await conn.listTables(requested.namespace))
      : new Set<string>();
    plan = planPublish({
      sessionId,
      now: req.now ?? new Date(),
      action: req.action,
      target,
      table: requested,
      results: { format: req.results.format, schema: req.results.schema, rowCount: req.results.rowCount },
      existing,
      takenNames: taken,
    });
    planStep.status = 'Complete';
    planStep.ms = Date.now() - started;
    events.onPlan?.(plan);
    report('plan', 0, 0);
    if (req.dryRun) {
      for (const s of plan.steps) steps.push(stepRecord(s, 'NotExecuted'));
      return outcome(sessionId, plan, steps, 0, true);
    }
    const rowsWritten = await runSteps(conn, plan, req.results, steps, events, report, (step) => {
      if (step.phase === 'swap') swapping = true;
      if (step.phase === 'cleanup') cleaningUp = true;
      checkCanceled();
    });
    return outcome(sessionId, plan, steps, rowsWritten, false);
  } catch (e) {
    const err = isJobpubError(e) ? e : target.mapError(e);
    if (conn && plan) await putBack(conn, target, plan, steps, !cleaningUp);
    throw new PublishFailed(err, steps, plan);
  } finally {
    if (conn) {
      await conn.unlock(tableLockKey(requested, fold)).catch(() => {});
      await conn.unlock(sessionLockKey(sessionId)).catch(() => {});
      await conn.close().catch(() => {});
    }
  }
}

function outcome(sessionId: string, plan: Plan, steps: StepRecord[], rowsWritten: number, dryRun: boolean) {
  return {
    sessionId,
    plan,
    finalTable: plan.finalTable,
    rowsWritten,
    warnings: plan.warnings,
    steps,
    dryRun,
  };
}

function record(steps: StepRecord[], name: string, phase: StepRecord['phase'], sqlText?: string): StepRecord {
  const s: StepRecord = {
    name,
    phase,
    status: 'NotExecuted',
    ms: 0,
    ...(sqlText ? { sql: redact(sqlText) } : {}),
  };
  steps.push(s);
  return s;
}

function stepRecord(s: PlanStep, status: StepStatus): StepRecord {
  return { name: s.name, phase: s.phase, status, ms: 0, ...(s.kind === 'sql' ? { sql: redact(s.sql) } : {}) };
}

async function runSteps(
  conn: TargetConnection,
  plan: Plan,
  results: OpenedResults,
  steps: StepRecord[],
  events: PublishEvents,
  report: (phase: Phase, rows: number, bytes: number) => void,
  beforeStep: (step: PlanStep) => void,
): Promise<number> {
  const records = plan.steps.map((s) => stepRecord(s, 'NotExecuted'));
  ran.set(plan, records);
  steps.push(...records);
  let baseline = 0;
  let rowsWritten = 0;
  for (let i = 0; i < plan.steps.length; i++) {
    const step = plan.steps[i]!;
    const rec = records[i]!;
    beforeStep(step);
    await events.onStep?.(rec);
    const t0 = Date.now();
    try {
      switch (step.kind) {
        case 'begin':
          await conn.execute('BEGIN');
          break;
        case 'commit':
          await conn.execute('COMMIT');
          break;
        case 'sql':
          await conn.execute(step.sql);
          break;
        case 'baseline':
          baseline = await conn.countRows(step.table);
          break;
        case 'load':
          report('load', 0, 0);
          rowsWritten = await conn.load({
            into: step.into,
            columns: plan.columns,
            results,
            onProgress: (rows, bytes) => report('load', rows, bytes),
          });
          break;
        case 'verifyCount': {
          const count = await conn.countRows(step.table);
          const got = step.relativeTo === 'baseline' ? count - baseline : count;
          if (got !== step.expected || rowsWritten !== step.expected) {
            throw new JobpubError(
              'PUBLISH_COUNT_MISMATCH',
              `expected ${step.expected} new rows in the target, found ${got} (loader wrote ${rowsWritten}); nothing was committed`,
            );
          }
          break;
        }
      }
      rec.status = 'Complete';
    } catch (e) {
      rec.status = 'Failed';
      rec.error = e instanceof Error ? e.message : String(e);
      throw e;
    } finally {
      rec.ms = Date.now() - t0;
    }
    report(step.phase, rowsWritten, 0);
  }
  return rowsWritten;
}

/** The step records of a plan being run, aligned with plan.steps (putBack reads which steps completed). */
const ran = new WeakMap<Plan, StepRecord[]>();

/**
 * After a failure: roll back what is open, undo completed steps that have an undo (last first; only when
 * `undo`, i.e. the failure came before the cleanup phase), and drop this publish's staging objects.
 * Never throws.
 */
async function putBack(
  conn: TargetConnection,
  target: Target,
  plan: Plan,
  steps: StepRecord[],
  undo: boolean,
): Promise<void> {
  await conn.execute('ROLLBACK').catch(() => {});
  const done = undo ? (ran.get(plan) ?? []) : [];
  for (let i = done.length - 1; i >= 0; i--) {
    const step = plan.steps[i]!;
    if (step.kind !== 'sql' || step.undo === undefined || done[i]!.status !== 'Complete') continue;
    const rec = record(steps, `undo ${step.name}`, 'cleanup', step.undo);
    try {
      await conn.execute(step.undo);
      rec.status = 'Complete';
    } catch (e) {
      rec.status = 'Failed';
      rec.error = (e as Error).message;
    }
  }
  for (const t of plan.staging) {
    const rec = record(steps, `drop ${t.name}`, 'cleanup', compile(target.dialect, sql.dropTable(t, true)));
    try {
      await conn.execute(rec.sql!);
      rec.status = 'Complete';
    } catch (e) {
      rec.status = 'Failed';
      rec.error = (e as Error).message;
    }
  }
}

/** Staging tables left by publishes that no longer run (crashed or killed) are dropped before planning. */
async function dropLeftovers(
  conn: TargetConnection,
  target: Target,
  namespace: string | undefined,
  steps: StepRecord[],
): Promise<void> {
  for (const name of await conn.listTables(namespace)) {
    if (!name.toLowerCase().startsWith(STAGING_PREFIX)) continue;
    const owner = stagingSession(name);
    if (owner === undefined || (await conn.sessionAlive(owner))) continue;
    const rec = record(
      steps,
      `drop leftover ${name}`,
      'cleanup',
      compile(target.dialect, sql.dropTable({ namespace, name }, true)),
    );
    await conn.execute(rec.sql!);
    rec.status = 'Complete';
  }
}
