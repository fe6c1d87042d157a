import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_ACTIONS, type PublishAction } from '../../src/domain/publish/actions.js';
import { STAGING_PREFIX } from '../../src/domain/publish/naming.js';
import { openResults } from '../../src/formats/open.js';
import { publish } from '../../src/publish/executor.js';
import { createTarget } from '../../src/targets/registry.js';
import { bigResults } from '../support/big-results.js';
import { type Sandbox, TARGETS } from '../support/targets.js';

/**
 * Fault injection (issue: "a child process running a publish is SIGKILLed in each phase"). The child
 * freezes at a point of the plan with its connection and transaction open; the test kills it there, then
 * asserts the target is exactly as before (user tables and their rows), that the next publish succeeds,
 * and that no staging object is left.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const ROWS = 150_000;
const TABLE = 'events';

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

function runChild(
  args: object,
): Promise<{ stoppedAt: string | undefined; code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/support/publish-child.ts'), JSON.stringify(args)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let stoppedAt: string | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^AT (.+)$/m.exec(out);
      if (m && !stoppedAt) {
        stoppedAt = m[1];
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ stoppedAt, code, signal, out }));
  });
}

/** The points to stop at for an action: a staging step, midway through the load, and a swap step. */
async function stopPoints(box: Sandbox, action: PublishAction, csv: string): Promise<string[]> {
  const target = await createTarget(box.config);
  const results = await openResults(csv, 'csv');
  const dry = await publish({ target, results, path: box.path, table: TABLE, action, dryRun: true });
  const steps = dry.plan.steps;
  const points = [
    steps.find((s) => s.phase === 'staging')?.name,
    dry.plan.loadMethod ? 'load-midway' : undefined,
    steps.find((s) => s.phase === 'swap')?.name,
  ];
  return [...new Set(points.filter((p): p is string => p !== undefined))];
}

const userTables = (names: string[]) => names.filter((n) => !n.toLowerCase().startsWith(STAGING_PREFIX));

describe.each(TARGETS)('$kind: SIGKILL in every phase leaves the target as it was', (harness) => {
  const { csv } = bigResults(ROWS);

  for (const action of PUBLISH_ACTIONS) {
    it(`${action}: killed at each point, then the next publish succeeds and cleans up`, async () => {
      box = await harness.fresh(`kill_${action}`);
      // The table as it was: the same results already published once, so every action (load too) can run.
      const setup = await createTarget(box.config);
      await publish({
        target: setup,
        results: await openResults(csv, 'csv'),
        path: box.path,
        table: TABLE,
        action: 'dropAndLoad',
      });
      const points = await stopPoints(box, action, csv);
      expect(points.length).toBeGreaterThanOrEqual(action === 'create' ? 1 : 2);

      for (const point of points) {
        const tablesBefore = await box.tables();
        const rowsBefore = await box.snapshot(TABLE);
        const r = await runChild({
          url: box.url,
          location: csv,
          format: 'csv',
          table: TABLE,
          path: box.path,
          action,
          stopAt: point,
        });
        expect(r.stoppedAt, r.out).toBe(point);
        expect(r.signal).toBe('SIGKILL');
        expect(userTables(await box.tables()), `user tables after a kill at ${point}`).toEqual(
          userTables(tablesBefore),
        );
        expect(await box.snapshot(TABLE), `rows after a kill at ${point}`).toEqual(rowsBefore);
      }

      // The next publish of the same action (a new session) succeeds and leaves no staging behind.
      const target = await createTarget(box.config);
      const done = await publish({
        target,
        results: await openResults(csv, 'csv'),
        path: box.path,
        table: TABLE,
        action,
      });
      expect(done.rowsWritten).toBe(action === 'create' ? 0 : ROWS);
      expect((await box.tables()).filter((n) => n.toLowerCase().startsWith(STAGING_PREFIX))).toEqual([]);
    });
  }
});
