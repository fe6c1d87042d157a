import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openResults } from '../../src/formats/open.js';
import { publish } from '../../src/publish/executor.js';
import { createTarget } from '../../src/targets/registry.js';
import { bigResults } from '../support/big-results.js';
import { type Sandbox, TARGETS } from '../support/targets.js';

/** Ten `jobpub publish --action load` processes at once into one table: exactly ten times the rows. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ROWS = 2000;

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], {
      cwd: ROOT,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe.each(TARGETS)('$kind: concurrent publishes to one table never interleave', (harness) => {
  it('10 parallel loads end with exactly 10x the rows', async () => {
    const { csv } = bigResults(ROWS);
    box = await harness.fresh('parallel');
    const target = await createTarget(box.config);
    await publish({
      target,
      results: await openResults(csv, 'csv'),
      path: box.path,
      table: 'events',
      action: 'dropAndLoad',
    });
    await box.exec('DELETE FROM events');
    const runs = await Promise.all(
      Array.from({ length: 10 }, () =>
        cli([
          'publish',
          csv,
          '--format',
          'csv',
          '--target',
          box!.url,
          '--path',
          box!.path[0]!,
          '--table',
          'events',
          '--action',
          'load',
          '--json',
        ]),
      ),
    );
    for (const r of runs) {
      expect(r.code, r.out).toBe(0);
      expect(JSON.parse(r.out.trim().split('\n').pop()!)).toMatchObject({
        finalTable: 'events',
        rowsWritten: ROWS,
      });
    }
    expect((await box.snapshot('events')).length).toBe(10 * ROWS);
    expect(await box.tables()).toEqual(['events']);
  });
});
