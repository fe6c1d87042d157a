import { randomUUID } from 'node:crypto';
import { ACTIONS, type PublishAction } from '../domain/publish/actions.js';
import { timestampSuffix } from '../domain/publish/naming.js';
import { JobpubError } from '../errors/index.js';
import type { ResultFormat } from '../formats/reader.js';
import { publish } from '../publish/executor.js';
import { folder, nameProblem } from '../publish/names.js';
import type { Plan } from '../publish/plan.js';
import type { ConnectionRecord } from '../store/connections.js';
import type { JobGroup, ResultRecord } from '../store/job-groups.js';
import type { JobRecord } from '../store/jobs.js';
import type { Target } from '../targets/contract.js';
import { gone, notFound, owns } from './access.js';
import { resultAccess, targetOf, usableConnection } from './connections.js';
import type { Caller, Deps } from './deps.js';
import { openChecked } from './results.js';

export interface PublishBody {
  readonly connection: { id: number };
  readonly path: readonly string[];
  readonly table: string;
  readonly action: PublishAction;
  readonly inputFormat: ResultFormat;
  readonly flowNodeId: number;
}

interface Checked {
  readonly group: JobGroup;
  readonly result: ResultRecord;
  readonly connection: ConnectionRecord;
  readonly target: Target;
  readonly targetKey: string;
}

const invalid = (details: string) => new JobpubError('VALIDATION', details);

/** A job group the caller may see: 404 when missing or not theirs, 410 when deleted. */
export async function visibleJobGroup(deps: Deps, caller: Caller, id: number): Promise<JobGroup> {
  const g = await deps.store.jobGroups.byId(id);
  if (!g || !owns(caller, g.creatorId)) throw notFound('jobGroup', id);
  if (g.deletedAt) throw gone('jobGroup', id);
  return g;
}

/** Every rule of api.md's publish validation, in its order, before anything is enqueued. */
async function check(deps: Deps, caller: Caller, groupId: number, body: PublishBody): Promise<Checked> {
  const group = await visibleJobGroup(deps, caller, groupId);
  if (group.status !== 'Complete') {
    throw invalid(`jobGroup ${groupId} is ${group.status}; only a Complete job group can be published`);
  }
  if (body.flowNodeId !== group.recipeId) {
    throw invalid(`flowNodeId ${body.flowNodeId} is not the recipe of jobGroup ${groupId}`);
  }
  const result = group.results.find((r) => r.format === body.inputFormat);
  if (!result) {
    const have = group.results.map((r) => r.format).join(', ');
    throw invalid(`inputFormat "${body.inputFormat}": jobGroup ${groupId} has results in ${have} only`);
  }
  const connection = await usableConnection(deps, caller, body.connection.id);
  const target = await targetOf(deps, connection);
  const caps = target.capabilities;
  if (!caps.acceptedFormats.includes(body.inputFormat)) {
    throw new JobpubError(
      'PUBLISH_FORMAT_REFUSED',
      `inputFormat "${body.inputFormat}" cannot be published to a ${connection.vendor} connection (it takes ${caps.acceptedFormats.join(', ')})`,
    );
  }
  const table = target.resolveTable(body.path, body.table);
  for (const [what, name] of [
    ['table', table.name],
    ['path', table.namespace],
  ] as const) {
    const problem = name === undefined ? undefined : nameProblem(name, caps);
    if (problem) throw invalid(`${what} "${name}" ${problem}`);
  }
  if (ACTIONS[body.action].timestamped) {
    // create / createAndLoad name the table `<table>_<yyyyMMddHHmmss>`: a name that only fits without the
    // suffix would be accepted here and fail in the worker, so it is refused now.
    const suffixed = `${table.name}_${timestampSuffix(new Date())}`;
    const problem = nameProblem(suffixed, caps);
    if (problem) {
      throw invalid(
        `table "${table.name}" is too long for ${body.action}, which adds a _yyyyMMddHHmmss suffix: "${suffixed}" ${problem}`,
      );
    }
  }
  const fold = folder(caps);
  const targetKey = `${connection.id}:${fold(table.namespace ?? '')}.${fold(table.name)}`;
  return { group, result, connection, target, targetKey };
}

/** Validates and enqueues; a second identical request while the first is queued or running joins it. */
export async function enqueuePublish(
  deps: Deps,
  caller: Caller,
  groupId: number,
  body: PublishBody,
): Promise<{ job: JobRecord; duplicate: boolean }> {
  const c = await check(deps, caller, groupId, body);
  const dedupeKey = JSON.stringify([
    groupId,
    c.connection.id,
    body.path,
    body.table,
    body.action,
    body.inputFormat,
  ]);
  return deps.store.jobs.enqueue({
    sessionId: randomUUID(),
    jobGroupId: groupId,
    connectionId: c.connection.id,
    creatorId: caller.id,
    path: body.path,
    table: body.table,
    action: body.action,
    inputFormat: body.inputFormat,
    rowsTotal: c.result.rowCount,
    dedupeKey,
    targetKey: c.targetKey,
  });
}

/** `?dryRun=true`: the same checks, then the plan against the table as it is now; nothing is enqueued. */
export async function planPublishRequest(
  deps: Deps,
  caller: Caller,
  groupId: number,
  body: PublishBody,
): Promise<Plan> {
  const c = await check(deps, caller, groupId, body);
  const results = await openChecked(c.result, resultAccess(deps));
  const out = await publish({
    target: c.target,
    results,
    path: body.path,
    table: body.table,
    action: body.action,
    dryRun: true,
  });
  return out.plan;
}
