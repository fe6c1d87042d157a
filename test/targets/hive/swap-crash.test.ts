import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Json, t } from '../../../src/domain/schema/index.js';
import { openResults } from '../../../src/formats/open.js';
import { publish } from '../../../src/publish/executor.js';
import { lockViewName } from '../../../src/targets/hive/table-lock.js';
import { createTarget } from '../../../src/targets/registry.js';
import { sortByJson } from '../../support/results.js';
import { ensureServer, freshDatabase, type HiveBox, PORT, runChild, STAGING } from './harness.js';

/**
 * A dropAndLoad that changes the columns is all-or-nothing under SIGKILL. The plan fills the new table
 * completely as `jobpub_new_<session>`, then renames `t → jobpub_old_<session>` and `jobpub_new_<session> →
 * t` back to back, then drops the old table. The child publish is killed before each of its steps; then:
 * - before the second rename the table is exactly as before (columns and rows), or, killed between the two
 *   renames, it is missing and the next publish's leftover sweep renames the old table back (never drops it);
 * - after the second rename it is exactly the new one;
 * - the next publish (to another table) leaves no `jobpub_*` table or staging folder, and a dropAndLoad of
 *   the table itself then succeeds.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const CSV = path.join(ROOT, 'test/fixtures/csv/many_rows.csv');
const CASE = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/csv/many_rows.case.json'), 'utf8')) as {
  rows: Record<string, Json>[];
};
const OLD = {
  fields: [
    { name: 'id', type: t.int32(), nullable: true },
    { name: 'note', type: t.string(), nullable: true },
  ],
};
const BEFORE = [
  { id: 1, note: 'kept' },
  { id: 2, note: "it's kept" },
];
// A new session per test: test files run in parallel, and another file's publish may sweep a killed
// child's folder (its owner is dead) while the next child of this file, were it the same session, writes it.
let SESSION = randomUUID();
let HEX = SESSION.replace(/-/g, '');
beforeEach(() => {
  SESSION = randomUUID();
  HEX = SESSION.replace(/-/g, '');
});

let box: HiveBox | undefined;
beforeAll(ensureServer, 300_000);
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

async function columns(b: HiveBox, table: string): Promise<string[]> {
  const res = await b.session.query(`DESCRIBE \`${b.db}\`.\`${table}\``);
  return res.rows.map((r) => `${String(r[0]).trim()} ${String(r[1]).trim()}`);
}

/** Each step of the plan, in order, with what the table is after a SIGKILL just before it. */
const POINTS: readonly { stopAt: string; table: 'before' | 'missing' | 'new' }[] = [
  { stopAt: 'load-midway', table: 'before' },
  { stopAt: 'verify row count', table: 'before' },
  { stopAt: 'create new table', table: 'before' },
  { stopAt: 'fill new table', table: 'before' },
  { stopAt: 'verify new table', table: 'before' },
  { stopAt: 'rename old table aside', table: 'before' },
  { stopAt: 'rename new table into place', table: 'missing' },
  { stopAt: 'drop old table', table: 'new' },
  { stopAt: 'drop staging table', table: 'new' },
];

describe('hive: a column-changing dropAndLoad SIGKILLed at every step', () => {
  it('the planned steps are exactly the points killed here', { timeout: 120_000 }, async () => {
    box = await freshDatabase('swapplan');
    await box.session.query(`CREATE TABLE \`${box.db}\`.\`t\` (id int, note string) STORED AS PARQUET`);
    const target = await createTarget(box.config);
    const results = await openResults(CSV, 'csv');
    const out = await publish({
      target,
      results,
      path: [box.db],
      table: 't',
      action: 'dropAndLoad',
      dryRun: true,
    });
    expect(out.steps.map((s) => s.name)).toEqual(['plan', 'load', ...POINTS.slice(1).map((p) => p.stopAt)]);
  });

  for (const { stopAt, table } of POINTS) {
    it(`killed before "${stopAt}": the table is ${table === 'new' ? 'the new one' : 'as before'}; the next publishes clean up and succeed`, {
      timeout: 240_000,
    }, async () => {
      box = await freshDatabase('swapkill');
      const b = box;
      await b.session.query(`CREATE TABLE \`${b.db}\`.\`t\` (id int, note string) STORED AS PARQUET`);
      await b.session.query(`INSERT INTO \`${b.db}\`.\`t\` VALUES (1, 'kept'), (2, 'it\\'s kept')`);
      const oldColumns = await columns(b, 't');
      expect(sortByJson(await b.rows('t', OLD))).toEqual(BEFORE);

      const child = await runChild({
        url: `hive://127.0.0.1:${PORT}/${b.db}?staging=file://${STAGING}`,
        location: CSV,
        format: 'csv',
        table: 't',
        path: [b.db],
        action: 'dropAndLoad',
        stopAt,
        sessionId: SESSION,
      });
      expect(child.stoppedAt, child.out).toBe(stopAt);
      expect(existsSync(path.join(STAGING, `jobpub_stg_${HEX}`))).toBe(true);

      const results = await openResults(CSV, 'csv');
      const want = sortByJson(CASE.rows);
      const isNew = async () => {
        expect(await columns(b, 't')).toEqual([
          'i bigint',
          'last_text string',
          'last_decimal decimal(4,1)',
          'text string',
        ]);
        expect(sortByJson(await b.rows('t', results.schema))).toEqual(want);
      };
      const isBefore = async () => {
        expect(await columns(b, 't')).toEqual(oldColumns);
        expect(sortByJson(await b.rows('t', OLD))).toEqual(BEFORE);
      };
      const tables = await b.tables();
      if (table === 'missing') {
        // Killed between the two renames: this is the window the sweep must repair.
        // (and the killed publish's lock of `t`, which the sweep drops: its process is gone)
        expect(tables).toEqual(
          [
            `jobpub_new_${HEX}`,
            `jobpub_old_${HEX}`,
            `jobpub_stg_${HEX}`,
            lockViewName(`table:${b.db}.t`),
          ].sort(),
        );
      } else if (table === 'before') {
        expect(tables).toContain('t');
        await isBefore();
      } else {
        await isNew();
      }

      // The next publish (another session, another table) sweeps: old table renamed back or dropped,
      // new and staging tables dropped, staging folder removed.
      const target = await createTarget(b.config);
      const u = await publish({ target, results, path: [b.db], table: 'u', action: 'createAndLoad' });
      expect(u.rowsWritten).toBe(results.rowCount);
      expect((await b.tables()).filter((n) => !n.startsWith('u_'))).toEqual(['t']);
      expect(readdirSync(STAGING).filter((n) => n.includes(HEX))).toEqual([]);
      if (table === 'new') await isNew();
      else await isBefore();

      // And a dropAndLoad of the table itself then succeeds, leaving nothing behind.
      const again = await publish({ target, results, path: [b.db], table: 't', action: 'dropAndLoad' });
      expect(again.rowsWritten).toBe(results.rowCount);
      await isNew();
      expect((await b.tables()).filter((n) => n.startsWith('jobpub_'))).toEqual([]);
    });
  }
});

/**
 * A new table (createAndLoad, or dropAndLoad of a missing one) appears only complete: it is filled as
 * `jobpub_new_<session>` and renamed into place in one step, so a SIGKILL before that rename leaves no
 * table of that name, and the next publish's sweep drops what the killed one left.
 */
describe('hive: a createAndLoad SIGKILLed before its table is in place', () => {
  const NEW_POINTS = [
    'create new table',
    'fill new table',
    'verify new table',
    'rename new table into place',
  ];
  for (const stopAt of NEW_POINTS) {
    it(`killed before "${stopAt}": no table appears; the next publish leaves nothing behind`, {
      timeout: 240_000,
    }, async () => {
      box = await freshDatabase('newkill');
      const b = box;
      const child = await runChild({
        url: `hive://127.0.0.1:${PORT}/${b.db}?staging=file://${STAGING}`,
        location: CSV,
        format: 'csv',
        table: 't',
        path: [b.db],
        action: 'createAndLoad',
        stopAt,
        sessionId: SESSION,
      });
      expect(child.stoppedAt, child.out).toBe(stopAt);
      // Nothing a reader could take for the result: no `t` and no `t_<timestamp>`.
      expect((await b.tables()).filter((n) => !n.startsWith('jobpub_'))).toEqual([]);

      const target = await createTarget(b.config);
      const results = await openResults(CSV, 'csv');
      const u = await publish({ target, results, path: [b.db], table: 'u', action: 'createAndLoad' });
      expect(u.rowsWritten).toBe(results.rowCount);
      const left = await b.tables();
      expect(left.filter((n) => n.startsWith('jobpub_'))).toEqual([]);
      expect(left.filter((n) => n.startsWith('t'))).toEqual([]);
      expect(readdirSync(STAGING).filter((n) => n.includes(HEX))).toEqual([]);
    });
  }
});
