#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { PUBLISH_ACTIONS } from '../domain/publish/actions.js';
import { JobpubError } from '../errors/index.js';
import { RESULT_FORMATS } from '../formats/reader.js';
import { redact } from '../publish/redact.js';
import { formatReport, inspect } from './inspect.js';
import { publishCommand } from './publish.js';

/** Exit codes: 0 success, 1 the operation failed (message on stderr), 2 bad usage. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

function singleChar(value: string): string {
  const v = value === '\\t' ? '\t' : value;
  if (v.length !== 1) throw new InvalidArgumentError('expected one character (use \\t for a tab)');
  return v;
}

export function buildCli(): Command {
  const program = new Command('jobpub')
    .description('Publish the results of a data job into warehouse tables')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('inspect')
    .description('print the schema, row count and files of a result (a file or a folder of part files)')
    .argument('<path>', 'a result file, or a folder of part files')
    .addOption(
      new Option('--format <format>', 'the result format').choices(RESULT_FORMATS).makeOptionMandatory(),
    )
    .option('--json', 'print one JSON document')
    .option('--rows <n>', 'also print the first N rows as JSON Lines', positiveInt)
    .option('--no-header', 'CSV: the first row is data (columns are named col1..colN)')
    .option('--delimiter <char>', 'CSV: field delimiter (default ",")', singleChar)
    .action(async (location: string, opts) => {
      const report = await inspect(location, opts);
      process.stdout.write(`${opts.json ? JSON.stringify(report) : formatReport(report)}\n`);
    });

  program
    .command('publish')
    .description('publish a result into a table: all five actions, all-or-nothing')
    .argument('<path>', 'a result file, or a folder of part files')
    .addOption(
      new Option('--format <format>', 'the result format').choices(RESULT_FORMATS).makeOptionMandatory(),
    )
    .requiredOption(
      '--target <url>',
      'postgres://user:pass@host:port/db, mysql://…/db or duckdb:///abs/file.duckdb',
    )
    .requiredOption('--table <name>', 'the table (PostgreSQL: schema.table allowed)')
    .option('--path <namespace>', 'schema (PostgreSQL, DuckDB) or database (MySQL)')
    .addOption(
      new Option('--action <action>', 'what to do with the table')
        .choices(PUBLISH_ACTIONS)
        .makeOptionMandatory(),
    )
    .option('--dry-run', 'print the plan (DDL, staging, load method, column types) and change nothing')
    .option('--json', 'print {"finalTable", "rowsWritten", "warnings", "steps"} (or the plan with --dry-run)')
    .option('--no-header', 'CSV: the first row is data')
    .option('--delimiter <char>', 'CSV: field delimiter (default ",")', singleChar)
    .action(async (location: string, opts) => publishCommand(location, opts));

  program
    .command('serve')
    .description('run the service: the REST API (v4) on PORT (3005) and the publish workers')
    .action(async () => {
      // Loaded only for this command, so the CLI's other commands need no HTTP stack.
      const { serve } = await import('../server.js');
      await serve();
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0)
        return 0;
      return EXIT_USAGE;
    }
    if (e instanceof JobpubError) {
      process.stderr.write(`jobpub: ${redact(e.message)}\n`);
      return e.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILED;
    }
    // An unexpected failure: say what it was in one line; the stack only when asked for.
    const err = e as Error;
    process.stderr.write(`jobpub: unexpected error: ${redact(err?.message ?? String(e))}\n`);
    if (process.env.JOBPUB_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return EXIT_FAILED;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
