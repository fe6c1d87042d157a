/**
 * A publish in a child process, for fault injection: when it reaches the step (or, for `load-midway`, the
 * first progress report of the load with rows written) it prints `AT <point>` and freezes its event loop,
 * so the parent can SIGKILL it exactly there, with its connection and transaction open.
 *
 * node --import tsx test/support/publish-child.ts '<json: {url, location, format, table, path, action, stopAt, sessionId}>'
 */

import type { PublishAction } from '../../src/domain/publish/actions.js';
import { openResults } from '../../src/formats/open.js';
import type { ResultFormat } from '../../src/formats/reader.js';
import { publish } from '../../src/publish/executor.js';
import { createTarget } from '../../src/targets/registry.js';
import { parseTargetUrl } from '../../src/targets/url.js';

const args = JSON.parse(process.argv[2]!) as {
  url: string;
  location: string;
  format: ResultFormat;
  table: string;
  path: string[];
  action: PublishAction;
  stopAt?: string;
  sessionId?: string;
};

function freeze(point: string): void {
  process.stdout.write(`AT ${point}\n`);
  // Block the thread (not just await): nothing more is sent, the connection stays open mid-step.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

const target = await createTarget(parseTargetUrl(args.url));
const results = await openResults(args.location, args.format);
let midway = false;
const outcome = await publish(
  {
    target,
    results,
    path: args.path,
    table: args.table,
    action: args.action,
    ...(args.sessionId ? { sessionId: args.sessionId } : {}),
  },
  {
    onStep: (s) => {
      if (s.name === args.stopAt) freeze(s.name);
    },
    onProgress: (p) => {
      if (args.stopAt === 'load-midway' && p.phase === 'load' && p.rowsWritten > 0 && !midway) {
        midway = true;
        freeze('load-midway');
      }
    },
  },
);
process.stdout.write(
  `DONE ${JSON.stringify({ finalTable: outcome.finalTable.name, rows: outcome.rowsWritten })}\n`,
);
