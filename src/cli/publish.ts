import { isPublishAction, PUBLISH_ACTIONS, type PublishAction } from '../domain/publish/actions.js';
import { formatType } from '../domain/schema/index.js';
import { JobpubError } from '../errors/index.js';
import { isResultFormat, openResults } from '../formats/open.js';
import { RESULT_FORMATS } from '../formats/reader.js';
import { type PublishOutcome, publish } from '../publish/executor.js';
import type { Plan } from '../publish/plan.js';
import { createTarget } from '../targets/registry.js';
import { parseTargetUrl } from '../targets/url.js';
import { progressBar } from './progress.js';

export interface PublishCliOptions {
  format: string;
  target: string;
  table: string;
  path?: string;
  action: string;
  dryRun?: boolean;
  json?: boolean;
  header?: boolean;
  delimiter?: string;
}

export async function publishCommand(location: string, opts: PublishCliOptions): Promise<void> {
  if (!isResultFormat(opts.format)) {
    throw new JobpubError('USAGE', `--format must be one of ${RESULT_FORMATS.join(', ')}`);
  }
  if (!isPublishAction(opts.action)) {
    throw new JobpubError('USAGE', `--action must be one of ${PUBLISH_ACTIONS.join(', ')}`);
  }
  const target = await createTarget(parseTargetUrl(opts.target));
  const results = await openResults(location, opts.format, {
    header: opts.header,
    delimiter: opts.delimiter,
  });
  const bar = opts.json ? progressBar({ isTTY: false } as NodeJS.WriteStream) : progressBar(process.stderr);
  const started = Date.now();
  let outcome: PublishOutcome;
  try {
    outcome = await publish(
      {
        target,
        results,
        path: opts.path ? [opts.path] : [],
        table: opts.table,
        action: opts.action as PublishAction,
        dryRun: opts.dryRun ?? false,
      },
      { onProgress: (p) => bar.update(p) },
    );
  } finally {
    bar.done();
  }
  if (opts.json) {
    const body = opts.dryRun
      ? { plan: planJson(outcome.plan) }
      : {
          finalTable: outcome.finalTable.name,
          rowsWritten: outcome.rowsWritten,
          warnings: outcome.warnings,
          steps: outcome.steps,
        };
    process.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  if (opts.dryRun) {
    process.stdout.write(`${formatPlan(outcome.plan)}\n`);
    return;
  }
  for (const w of outcome.warnings) process.stderr.write(`warning: ${w}\n`);
  const secs = (Date.now() - started) / 1000;
  const where = [outcome.finalTable.namespace, outcome.finalTable.name].filter(Boolean).join('.');
  process.stdout.write(
    `${opts.action}: ${outcome.rowsWritten.toLocaleString('en-US')} rows into ${where} in ${secs.toFixed(1)} s (${Math.round(outcome.rowsWritten / Math.max(secs, 0.001)).toLocaleString('en-US')} rows/s)\n`,
  );
}

function planJson(plan: Plan) {
  return {
    ...plan,
    columns: plan.columns.map((c) => ({
      name: c.name,
      resultsType: formatType(c.source.type),
      nullable: c.source.nullable,
      sqlType: c.sqlType,
    })),
  };
}

export function formatPlan(plan: Plan): string {
  const q = (t: { namespace?: string | undefined; name: string }) =>
    [t.namespace, t.name].filter(Boolean).join('.');
  const width = Math.max(6, ...plan.columns.map((c) => c.name.length));
  const lines = [
    `plan for ${plan.action} into ${q(plan.requested)} (dry run: nothing was changed)`,
    `final table:  ${q(plan.finalTable)}`,
    `rows:         ${plan.expectedRows.toLocaleString('en-US')}`,
    `load method:  ${plan.loadMethod ?? '(no rows are loaded)'}`,
    `staging:      ${plan.staging.length ? plan.staging.map(q).join(', ') : '(none)'}`,
    'columns:',
    ...plan.columns.map(
      (c) => `  ${c.name.padEnd(width)}  ${formatType(c.source.type).padEnd(24)} -> ${c.sqlType}`,
    ),
    'steps:',
    ...plan.steps.map((s, i) => {
      const head = `  ${i + 1}. [${s.phase}] ${s.name}`;
      return s.kind === 'sql' ? `${head}\n${s.sql.replace(/^/gm, '       ')}` : head;
    }),
  ];
  if (plan.warnings.length) lines.push('warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  return lines.join('\n');
}
