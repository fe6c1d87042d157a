import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 4, Tests: schemathesis against the real server's /docs/json, at least 1,000 generated requests,
 * no 5xx, every error in the spec's exception shape. run.sh does the work (server, two schemathesis
 * passes, hooks.py's checks); this test runs it and reads its `FUZZ_SUMMARY {json}` line.
 *
 */

const SCRIPT = path.resolve(import.meta.dirname, 'run.sh');

interface Pass {
  requests: number;
  byStatus: Record<string, number>;
  testCases: number | null;
  operationsTested: number | null;
  operationsWith2xx: number;
  failures: string[];
  exitCode: number | null;
}

interface Summary {
  ok: boolean;
  requests: number;
  status5xx: number;
  serverErrorLines: number;
  operations: number;
  passes: { auth: Pass; anon: Pass };
}

function run(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT], { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const count = (byStatus: Record<string, number>, prefix: string) =>
  Object.entries(byStatus)
    .filter(([status]) => status.startsWith(prefix))
    .reduce((sum, [, n]) => sum + n, 0);

describe('schemathesis against /docs/json', () => {
  it('sends >= 1,000 requests; no 5xx, every error is the exception JSON, anonymous calls get 401', async () => {
    const { code, output } = await run();
    const line = output.split('\n').find((l) => l.startsWith('FUZZ_SUMMARY '));
    // On failure the message carries schemathesis' report (failing request, curl to reproduce).
    expect(line, output.slice(-20_000)).toBeDefined();
    const summary = JSON.parse(line!.slice('FUZZ_SUMMARY '.length)) as Summary;
    const { auth, anon } = summary.passes;
    expect({ code, failures: [...auth.failures, ...anon.failures] }, output.slice(-20_000)).toEqual({
      code: 0,
      failures: [],
    });
    expect(summary.ok).toBe(true);

    expect(summary.requests).toBeGreaterThanOrEqual(1000);
    expect(summary.requests).toBe(auth.requests + anon.requests);
    expect(auth.requests).toBeGreaterThanOrEqual(1000);
    expect(summary.status5xx).toBe(0);
    expect(summary.serverErrorLines).toBe(0);

    // Every operation the document lists was exercised, in both passes.
    expect(summary.operations).toBeGreaterThanOrEqual(30);
    expect(auth.operationsTested).toBe(summary.operations);
    expect(anon.operationsTested).toBe(summary.operations);

    // With the admin token the fuzzer got past validation into the routes' logic on most operations
    // (hooks.py steers part of the ids and bodies to the demo objects), and it also got refusals.
    expect(auth.operationsWith2xx).toBeGreaterThanOrEqual(Math.ceil(summary.operations * 0.75));
    expect(count(auth.byStatus, '2')).toBeGreaterThan(300);
    expect(auth.byStatus['400']).toBeGreaterThan(100);
    expect(auth.byStatus['404']).toBeGreaterThan(0);

    // Without credentials nothing succeeded, and most answers were 401 AuthenticationFailed (the rest:
    // methods no route declares, and router-level refusals; hooks.py's anonymous_is_refused checked each).
    expect(count(anon.byStatus, '2')).toBe(0);
    expect(anon.byStatus['401']).toBeGreaterThan(anon.requests * 0.8);
  }, 240_000);
});
