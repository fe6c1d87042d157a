import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import { field, schema, t } from '../../../src/domain/schema/index.js';
import { publish } from '../../../src/publish/executor.js';
import { duckdbTarget } from '../../../src/targets/duckdb/target.js';
import { readBack } from '../../support/readback/duckdb.js';
import { exec, failure, freshFile, memResults, ROOT, run, tables } from './helpers.js';

const rowsSchema = schema([field('id', t.int64(), false), field('name', t.string())]);
const results = memResults(rowsSchema, [
  [1n, 'one'],
  [2n, null],
]);

/** A child process that opens the file with DuckDB, prints `held`, and closes it after `ms`; `exited` settles on exit. */
async function holdFile(
  file: string,
  ms: number,
): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const code = `import { DuckDBInstance } from '@duckdb/node-api';
    const i = await DuckDBInstance.create(${JSON.stringify(file)});
    console.log('held');
    setTimeout(() => { i.closeSync(); console.log('released'); }, ${ms});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: 'pipe' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('held')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`holder exited with ${c}`)));
  });
  return { child, exited };
}

describe('duckdb: one process per file', () => {
  it('a publish waits while another process holds the file, then succeeds', async () => {
    const { file, cleanup } = freshFile('wait');
    await exec(file, 'CREATE TABLE seed (x INTEGER)');
    const holder = await holdFile(file, 2000);
    const started = Date.now();
    const out = await run(file, { results, table: 'tbl', action: 'createAndLoad' });
    const waited = Date.now() - started;
    await holder.exited;
    expect(out.rowsWritten).toBe(2);
    expect(waited).toBeGreaterThan(1000);
    cleanup();
  });

  it('fails with TARGET_BUSY, naming the file, when the other process does not let go in time', async () => {
    const { file, cleanup } = freshFile('busy');
    await exec(file, 'CREATE TABLE seed (x INTEGER)');
    const holder = await holdFile(file, 3000);
    const e = await failure(run(file, { results, table: 'tbl', action: 'createAndLoad' }, 400));
    expect(e.code).toBe('TARGET_BUSY');
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/another process/);
    await holder.exited;
    expect(await tables(file)).toEqual(['seed']);
    cleanup();
  });

  it('refuses a file that is not a DuckDB database at once, without waiting', async () => {
    const { file, cleanup } = freshFile('notdb');
    writeFileSync(file, 'this is not a database, only some text that is long enough');
    const started = Date.now();
    const e = await failure(run(file, { results, table: 'tbl', action: 'createAndLoad' }));
    expect(e.code).toBe('TARGET_REJECTED');
    expect(e.message).toContain(file);
    expect(Date.now() - started).toBeLessThan(2000);
    cleanup();
  });
});

describe('duckdb: publishes within one process', () => {
  it('publishes to one table run one after the other', async () => {
    const { file, cleanup } = freshFile('serial');
    await exec(file, 'CREATE TABLE tbl (id BIGINT NOT NULL, name VARCHAR)');
    const steps: string[] = [];
    const traced = (who: string) =>
      publish(
        {
          target: duckdbTarget({ kind: 'duckdb', file }),
          results,
          path: ['main'],
          table: 'tbl',
          action: 'load',
        },
        { onStep: () => void steps.push(who) },
      );
    await Promise.all([traced('a'), traced('b'), traced('c')]);
    // Each publish's steps are contiguous: the next one began after the previous one committed.
    const runs = steps.filter((o, i) => i === 0 || steps[i - 1] !== o);
    expect(runs.sort()).toEqual(['a', 'b', 'c']);
    expect(await readBack({ kind: 'duckdb', file }, { name: 'tbl' }, rowsSchema)).toHaveLength(6);
    cleanup();
  });

  it('drops staging tables of dead publishes, keeps those of live ones', async () => {
    const { file, cleanup } = freshFile('leftover');
    const dead = randomUUID();
    const live = randomUUID();
    await exec(
      file,
      `CREATE TABLE ${stagingName(dead, 'stg')} (x INTEGER); CREATE TABLE ${stagingName(live, 'stg')} (x INTEGER)`,
    );
    const target = duckdbTarget({ kind: 'duckdb', file });
    const holder = await target.connect();
    await holder.lock(`session:${live}`);
    expect(await holder.sessionAlive(live)).toBe(true);
    expect(await holder.sessionAlive(dead)).toBe(false);
    const out = await run(file, { results, table: 'tbl', action: 'dropAndLoad' });
    expect(out.steps.map((s) => s.name)).toContain(`drop leftover ${stagingName(dead, 'stg')}`);
    expect(out.steps.map((s) => s.name)).not.toContain(`drop leftover ${stagingName(live, 'stg')}`);
    await holder.unlock(`session:${live}`);
    expect(await holder.sessionAlive(live)).toBe(false);
    await holder.close();
    expect(await tables(file)).toEqual([stagingName(live, 'stg'), 'tbl']);
    cleanup();
  });
});
