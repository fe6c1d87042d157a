import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { duckdb } from '../support/targets.js';

const DEMO = path.resolve(import.meta.dirname, '../../demo/results');

describe('jobpub publish', () => {
  it('--json prints finalTable, rowsWritten, warnings and steps; the rows are in the target', async () => {
    const box = await duckdb.fresh('cli');
    const r = runCli([
      'publish',
      path.join(DEMO, 'orders.csv'),
      '--format',
      'csv',
      '--target',
      box.url,
      '--table',
      'orders',
      '--action',
      'createAndLoad',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.finalTable).toMatch(/^orders_\d{14}$/);
    expect(out.rowsWritten).toBe(240);
    expect(out.warnings).toEqual([]);
    expect(out.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'plan:Complete',
      'begin:Complete',
      'create table:Complete',
      'load:Complete',
      'verify row count:Complete',
      'commit:Complete',
    ]);
    expect(await box.tables()).toEqual([out.finalTable]);
  });

  it('prints one summary line off a terminal', async () => {
    const box = await duckdb.fresh('cli');
    const args = ['publish', path.join(DEMO, 'orders.avro'), '--format', 'avro', '--target', box.url];
    const r = runCli([...args, '--table', 'orders', '--action', 'dropAndLoad']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dropAndLoad: 240 rows into main\.orders in [\d.]+ s \([\d,]+ rows\/s\)\n$/);
  });

  it('--dry-run prints the plan and touches nothing', async () => {
    const box = await duckdb.fresh('cli');
    const r = runCli([
      'publish',
      path.join(DEMO, 'orders.parquet'),
      '--format',
      'pqt',
      '--target',
      box.url,
      '--table',
      'orders',
      '--action',
      'dropAndLoad',
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan for dropAndLoad into main.orders (dry run: nothing was changed)');
    expect(r.stdout).toContain('order_id    int64                    -> BIGINT');
    expect(r.stdout).toContain('CREATE TABLE "main"."orders"');
    expect(await box.tables()).toEqual([]);
  });

  it('exits 1 with the reason on stderr when the publish fails, and 2 on bad usage', async () => {
    const box = await duckdb.fresh('cli');
    const base = [
      'publish',
      path.join(DEMO, 'orders.json'),
      '--format',
      'json',
      '--target',
      box.url,
      '--table',
      'nope',
    ];
    const failed = runCli([...base, '--action', 'load']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('jobpub: table "main"."nope" does not exist: load needs an existing table\n');
    expect(runCli([...base, '--action', 'append']).code).toBe(2);
    expect(
      runCli([...base.slice(0, 5), '--target', 'ftp://x/y', '--table', 't', '--action', 'load']).code,
    ).toBe(2);
  });

  it('never prints the password of a target URL', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jobpub-cli-'));
    const r = runCli(
      [
        'publish',
        path.join(DEMO, 'orders.csv'),
        '--format',
        'csv',
        '--target',
        'postgres://loader:Sup3rS3cret@127.0.0.1:1/db',
        '--table',
        't',
        '--action',
        'load',
      ],
      { TMPDIR: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('Sup3rS3cret');
    expect(r.stderr).toMatch(/^jobpub: /);
  });
});
