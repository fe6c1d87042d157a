import { ACTIONS, type PublishAction } from '../domain/publish/actions.js';
import { firstFreeName, STAGING_PREFIX, stagingName, timestampSuffix } from '../domain/publish/naming.js';
import { checkAppend, type TableDescription } from '../domain/schema/compat.js';
import { formatType, type Schema } from '../domain/schema/index.js';
import { JobpubError } from '../errors/index.js';
import type { ResultFormat } from '../formats/reader.js';
import { compile } from '../targets/ddl/compiler.js';
import { type FillValue, type SqlNode, sql, type TableRef } from '../targets/ddl/nodes.js';
import type { TargetProfile } from '../targets/profile.js';
import { folder, nameProblem } from './names.js';
import type { Phase, Plan, PlannedColumn, PlanStep } from './plan.js';

export interface PlanInput {
  readonly sessionId: string;
  readonly now: Date;
  readonly action: PublishAction;
  readonly target: TargetProfile;
  /** The table the caller asked for (namespace resolved). */
  readonly table: TableRef;
  readonly results: { readonly format: ResultFormat; readonly schema: Schema; readonly rowCount: number };
  /** The requested table as it is now, or undefined when it does not exist. */
  readonly existing: TableDescription | undefined;
  /** Table names already in the namespace (for the `_2`, `_3` suffixes of create / createAndLoad). */
  readonly takenNames: ReadonlySet<string>;
}

/**
 * The planner: a pure function from the results, the action, the target's capabilities and the existing
 * table to every step of the publish. It refuses, before any data moves, everything it can know is wrong:
 * names, types the target cannot hold, every incompatible column of an existing table at once.
 */
export function planPublish(input: PlanInput): Plan {
  const { target, action, results } = input;
  const caps = target.capabilities;
  const fold = folder(caps);
  const semantics = ACTIONS[action];
  const warnings: string[] = [];

  if (!caps.acceptedFormats.includes(results.format)) {
    throw new JobpubError(
      'PUBLISH_FORMAT_REFUSED',
      `the ${target.kind} target does not accept ${results.format} results (it accepts ${caps.acceptedFormats.join(', ')})`,
    );
  }
  if (semantics.requiresExisting && !input.existing) {
    throw new JobpubError(
      'PUBLISH_TABLE_MISSING',
      `table ${display(input.table)} does not exist: load needs an existing table`,
    );
  }

  const finalName = semantics.timestamped
    ? firstFreeName(
        `${input.table.name}_${timestampSuffix(input.now)}`,
        new Set([...input.takenNames].map(fold)),
        fold,
      )
    : input.table.name;
  const finalTable: TableRef = { namespace: input.table.namespace, name: finalName };
  checkNames(finalTable, results.schema, input, fold);

  const appendTo =
    semantics.existing === 'append' || semantics.existing === 'replaceRows' ? input.existing : undefined;
  if (appendTo && appendTo.transactional === false) {
    throw new JobpubError(
      'PUBLISH_INCOMPATIBLE',
      `table ${display(input.table)} is stored without transactions (e.g. MyISAM): ${action} could not be undone on failure; convert it to a transactional engine or use dropAndLoad`,
    );
  }
  const columns = appendTo
    ? columnsForExisting(input, appendTo, fold, warnings)
    : columnsForNew(input, warnings);

  const ctx: Ctx = { input, finalTable, columns, steps: [], staging: [] };
  const existing = semantics.timestamped ? undefined : input.existing;
  if (caps.transactionalDdl) planTransactional(ctx, existing !== undefined);
  else if (caps.externalStaging) planExternalStaging(ctx, existing);
  else if (caps.atomicMultiRename) planRenameSwap(ctx, existing !== undefined);
  else {
    throw new JobpubError(
      'PUBLISH_UNMAPPABLE',
      `the ${target.kind} target has neither transactional DDL nor an atomic rename: it needs its own publish strategy`,
    );
  }
  return Object.freeze({
    action,
    sessionId: input.sessionId,
    requested: input.table,
    finalTable,
    expectedRows: results.rowCount,
    columns,
    loadMethod: semantics.loads ? (target.loadMethod?.(results.format) ?? 'bulk load') : undefined,
    staging: ctx.staging,
    steps: ctx.steps,
    warnings,
  });
}

interface Ctx {
  readonly input: PlanInput;
  readonly finalTable: TableRef;
  readonly columns: readonly PlannedColumn[];
  readonly steps: PlanStep[];
  readonly staging: TableRef[];
}

function display(t: TableRef): string {
  return t.namespace === undefined ? `"${t.name}"` : `"${t.namespace}"."${t.name}"`;
}

function checkNames(table: TableRef, schema: Schema, input: PlanInput, fold: (s: string) => string): void {
  const caps = input.target.capabilities;
  const problems: string[] = [];
  const tp = nameProblem(table.name, caps);
  if (tp) problems.push(`table name "${table.name}" ${tp}`);
  const seen = new Map<string, string>();
  for (const f of schema.fields) {
    const p = nameProblem(f.name, caps);
    if (p) problems.push(`column name "${f.name}" ${p}`);
    const other = seen.get(fold(f.name));
    if (other !== undefined) {
      problems.push(
        `columns "${other}" and "${f.name}" would be one column on ${input.target.kind} (names are case-insensitive)`,
      );
    }
    seen.set(fold(f.name), f.name);
  }
  if (problems.length > 0) throw new JobpubError('PUBLISH_BAD_NAME', problems.join('; '));
}

function columnsForNew(input: PlanInput, warnings: string[]): PlannedColumn[] {
  const problems: string[] = [];
  const columns = input.results.schema.fields.map((f, i) => {
    const m = input.target.mapType(f.type);
    if (!m.ok) {
      problems.push(`column "${f.name}" (${formatType(f.type)}): ${m.reason}`);
      return { name: f.name, sqlType: '?', source: f, sourceIndex: i };
    }
    if (m.warning) warnings.push(`column "${f.name}": ${m.warning}`);
    return { name: f.name, sqlType: m.sqlType, source: f, sourceIndex: i };
  });
  if (problems.length > 0) {
    throw new JobpubError(
      'PUBLISH_UNMAPPABLE',
      `the ${input.target.kind} target cannot hold: ${problems.join('; ')}`,
    );
  }
  return columns;
}

function columnsForExisting(
  input: PlanInput,
  table: TableDescription,
  fold: (s: string) => string,
  warnings: string[],
): PlannedColumn[] {
  const fields = input.results.schema.fields;
  const { problems, warnings: w } = checkAppend(fields, table, fold);
  if (problems.length > 0) {
    const list = problems.map(
      (p) => `column "${p.column}" (results ${p.resultsType}, table ${p.tableType}): ${p.problem}`,
    );
    throw new JobpubError(
      'PUBLISH_INCOMPATIBLE',
      `table ${display(input.table)} cannot take the results: ${list.join('; ')}`,
    );
  }
  warnings.push(...w);
  const byName = new Map(table.columns.map((c) => [fold(c.name), c]));
  return fields.map((f, i) => {
    const col = byName.get(fold(f.name))!;
    return { name: col.name, sqlType: col.sqlType, source: f, sourceIndex: i };
  });
}

function add(ctx: Ctx, phase: Phase, name: string, node: SqlNode, undo?: SqlNode): void {
  const d = ctx.input.target.dialect;
  ctx.steps.push({
    kind: 'sql',
    name,
    phase,
    sql: compile(d, node),
    ...(undo ? { undo: compile(d, undo) } : {}),
  });
}

function defs(ctx: Ctx) {
  return ctx.columns.map((c) => ({ name: c.name, sqlType: c.sqlType, nullable: c.source.nullable }));
}

function loadAndVerify(ctx: Ctx, into: TableRef, relative: boolean): void {
  if (!ACTIONS[ctx.input.action].loads) return;
  const expected = ctx.input.results.rowCount;
  if (relative) ctx.steps.push({ kind: 'baseline', name: 'count before', phase: 'prepare', table: into });
  ctx.steps.push({ kind: 'load', name: 'load', phase: 'load', into });
  ctx.steps.push({
    kind: 'verifyCount',
    name: 'verify row count',
    phase: 'verify',
    table: into,
    expected,
    ...(relative ? { relativeTo: 'baseline' as const } : {}),
  });
}

/** PostgreSQL, DuckDB: everything in one transaction; readers see the old state until COMMIT. */
function planTransactional(ctx: Ctx, exists: boolean): void {
  const { finalTable, steps } = ctx;
  const existing = ACTIONS[ctx.input.action].existing;
  steps.push({ kind: 'begin', name: 'begin', phase: 'prepare' });
  if (!exists) {
    add(ctx, 'staging', 'create table', sql.createTable(finalTable, defs(ctx)));
    loadAndVerify(ctx, finalTable, false);
  } else if (existing === 'append') {
    loadAndVerify(ctx, finalTable, true);
  } else if (existing === 'replaceRows') {
    // DELETE, not TRUNCATE: TRUNCATE is not MVCC-safe (older snapshots would see an empty table).
    add(ctx, 'load', 'delete old rows', sql.deleteAll(finalTable));
    loadAndVerify(ctx, finalTable, false);
  } else {
    const staging: TableRef = {
      namespace: finalTable.namespace,
      name: stagingName(ctx.input.sessionId, 'stg'),
    };
    ctx.staging.push(staging);
    add(ctx, 'staging', 'create staging table', sql.createTable(staging, defs(ctx)));
    loadAndVerify(ctx, staging, false);
    add(ctx, 'swap', 'drop old table', sql.dropTable(finalTable));
    add(ctx, 'swap', 'rename staging table', sql.renameTable(staging, finalTable.name));
  }
  steps.push({ kind: 'commit', name: 'commit', phase: 'swap' });
}

/**
 * MySQL/MariaDB: DDL commits on its own, so nothing may depend on rolling it back. Rows go into a staging
 * table first; one atomic RENAME TABLE or one InnoDB transaction of INSERT … SELECT makes them visible.
 */
function planRenameSwap(ctx: Ctx, exists: boolean): void {
  const { finalTable, steps } = ctx;
  const action = ACTIONS[ctx.input.action];
  if (!action.loads) {
    add(ctx, 'swap', 'create table', sql.createTable(finalTable, defs(ctx)));
    return;
  }
  const staging: TableRef = {
    namespace: finalTable.namespace,
    name: stagingName(ctx.input.sessionId, 'stg'),
  };
  ctx.staging.push(staging);
  add(ctx, 'staging', 'create staging table', sql.createTable(staging, defs(ctx)));
  loadAndVerify(ctx, staging, false);
  const names = ctx.columns.map((c) => c.name);
  if (!exists) {
    add(ctx, 'swap', 'rename staging table', sql.renameTable(staging, finalTable.name));
  } else if (action.existing === 'replaceTable') {
    const old: TableRef = { namespace: finalTable.namespace, name: stagingName(ctx.input.sessionId, 'old') };
    ctx.staging.push(old);
    add(
      ctx,
      'swap',
      'swap tables',
      sql.swapTables([
        { from: finalTable, to: old },
        { from: staging, to: finalTable },
      ]),
    );
    add(ctx, 'cleanup', 'drop old table', sql.dropTable(old, true));
  } else {
    steps.push({ kind: 'begin', name: 'begin', phase: 'swap' });
    if (action.existing === 'replaceRows') {
      add(ctx, 'swap', 'delete old rows', sql.deleteAll(finalTable));
      steps.push({ kind: 'baseline', name: 'count before', phase: 'swap', table: finalTable });
    } else {
      steps.push({ kind: 'baseline', name: 'count before', phase: 'swap', table: finalTable });
    }
    add(ctx, 'swap', 'insert from staging', sql.insertSelect(finalTable, staging, names));
    steps.push({
      kind: 'verifyCount',
      name: 'verify row count',
      phase: 'verify',
      table: finalTable,
      expected: ctx.input.results.rowCount,
      relativeTo: 'baseline',
    });
    steps.push({ kind: 'commit', name: 'commit', phase: 'swap' });
    add(ctx, 'cleanup', 'drop staging table', sql.dropTable(staging, true));
  }
}

/** Type spellings compared the way the server prints them: no backticks, no spaces, lower case. */
const sameType = (a: string, b: string) =>
  a.replace(/[`\s]/g, '').toLowerCase() === b.replace(/[`\s]/g, '').toLowerCase();

/**
 * Hive (`externalStaging`): no transactions, no atomic multi-table rename. load() stages the results as
 * files under an EXTERNAL staging table; its row count is checked; then one INSERT … SELECT from it makes
 * the rows visible: INTO for a new table or an append, OVERWRITE to replace the rows (truncateAndLoad, and
 * dropAndLoad when the table already has the results' columns). A dropAndLoad that changes the columns
 * fills the new table under `jobpub_new_<session>` first, then renames the old table aside and the new one
 * into place, back to back (the first rename has an undo the executor runs if the second fails). Hive
 * columns are always nullable (NOT NULL is not enforced on these tables).
 */
function planExternalStaging(ctx: Ctx, existing: TableDescription | undefined): void {
  const { finalTable, steps, input } = ctx;
  const action = ACTIONS[input.action];
  const defs = ctx.columns.map((c) => ({ name: c.name, sqlType: c.sqlType, nullable: true }));
  const dropFinal = sql.dropTable(finalTable, true);
  if (!action.loads) {
    add(ctx, 'swap', 'create table', sql.createTable(finalTable, defs));
    return;
  }
  const staging: TableRef = { namespace: finalTable.namespace, name: stagingName(input.sessionId, 'stg') };
  ctx.staging.push(staging);
  loadAndVerify(ctx, staging, false);
  /** The staging column's type: the results' type as the target maps it (what load() declares). */
  const stagedType = (c: PlannedColumn) => {
    const m = input.target.mapType(c.source.type);
    return m.ok ? m.sqlType : c.sqlType;
  };
  const fill = (
    overwrite: boolean,
    tableColumns: readonly { name: string; sqlType: string }[],
    into: TableRef = finalTable,
    phase: Phase = 'swap',
    name = overwrite ? 'overwrite from staging' : 'insert from staging',
  ) => {
    const fold = folder(input.target.capabilities);
    const byName = new Map(ctx.columns.map((c) => [fold(c.name), c]));
    const values: FillValue[] = tableColumns.map((t) => {
      const c = byName.get(fold(t.name));
      if (!c) return { cast: t.sqlType };
      return sameType(stagedType(c), t.sqlType)
        ? { from: c.source.name }
        : { from: c.source.name, cast: t.sqlType };
    });
    add(ctx, phase, name, sql.fillTable(into, staging, overwrite, values));
  };
  const sameShape =
    existing !== undefined &&
    existing.columns.length === defs.length &&
    existing.columns.every(
      (c, i) => c.name.toLowerCase() === defs[i]!.name.toLowerCase() && sameType(c.sqlType, defs[i]!.sqlType),
    );

  // A new table is made and filled completely under a staging name first, then renamed into place in one
  // step: a crash before the rename leaves no table behind (the sweep drops jobpub_new_<session>). Its
  // TBLPROPERTIES name the table it replaces (hex, no quoting), so that after a crash between the two
  // renames of a replacement the target's leftover sweep renames jobpub_old_<session> back.
  const hex = input.sessionId.replace(/-/g, '').toLowerCase();
  const fresh: TableRef = { namespace: finalTable.namespace, name: `${STAGING_PREFIX}new_${hex}` };
  const buildFresh = () => {
    ctx.staging.push(fresh);
    const replaces = Buffer.from(finalTable.name, 'utf8').toString('hex');
    steps.push({
      kind: 'sql',
      name: 'create new table',
      phase: 'staging',
      sql: `${compile(input.target.dialect, sql.createTable(fresh, defs))} TBLPROPERTIES ('jobpub.replaces'='${replaces}')`,
    });
    fill(false, defs, fresh, 'load', 'fill new table');
    steps.push({
      kind: 'verifyCount',
      name: 'verify new table',
      phase: 'verify',
      table: fresh,
      expected: input.results.rowCount,
    });
  };

  if (!existing) {
    buildFresh();
    add(ctx, 'swap', 'rename new table into place', sql.renameTable(fresh, finalTable.name), dropFinal);
  } else if (action.existing === 'append') {
    fill(false, existing.columns);
  } else if (action.existing === 'replaceRows' || sameShape) {
    fill(true, existing.columns);
  } else {
    const old: TableRef = { namespace: finalTable.namespace, name: stagingName(input.sessionId, 'old') };
    buildFresh();
    add(
      ctx,
      'swap',
      'rename old table aside',
      sql.renameTable(finalTable, old.name),
      sql.renameTable(old, finalTable.name),
    );
    add(ctx, 'swap', 'rename new table into place', sql.renameTable(fresh, finalTable.name));
    add(ctx, 'cleanup', 'drop old table', sql.dropTable(old, true));
  }
  add(ctx, 'cleanup', 'drop staging table', sql.dropTable(staging, true));
}
