import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import { t } from '../../../src/domain/schema/index.js';
import { openResults } from '../../../src/formats/open.js';
import { publish } from '../../../src/publish/executor.js';
import { createTarget } from '../../../src/targets/registry.js';
import { ensureServer, freshDatabase, type HiveBox, PORT, runChild, STAGING } from './harness.js';

/**
 * The tables are real Hive tables (DESCRIBE FORMATTED: Parquet SerDe, a location), and a publish SIGKILLed
 * mid-way leaves the table as before; the next publish removes what the killed one left (its EXTERNAL
 * staging table and its staging folder) and succeeds.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const SHAPE = {
  fields: [
    { name: 'i', type: t.int64(), nullable: true },
    { name: 'last_decimal', type: t.decimal(4, 1), nullable: true },
    { name: 'text', type: t.string(), nullable: true },
  ],
};
// A new session per test: test files run in parallel, and another file's publish may sweep a killed
// child's folder (its owner is dead) while the next child of this file, were it the same session, writes it.
let SESSION = randomUUID();
beforeEach(() => {
  SESSION = randomUUID();
});

let box: HiveBox | undefined;
beforeAll(ensureServer, 300_000);
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

/** `DESCRIBE FORMATTED` as a map of its `key: value` rows (column rows included, by name). */
async function formatted(b: HiveBox, table: string): Promise<Map<string, string>> {
  const res = await b.session.query(`DESCRIBE FORMATTED \`${b.db}\`.\`${table}\``);
  return new Map(res.rows.map((r) => [String(r[0] ?? '').trim(), String(r[1] ?? '').trim()]));
}

describe('hive: real tables on a real HiveServer2', () => {
  it('publishes a Parquet table Hive describes with the Parquet SerDe, a location and the mapped types', {
    timeout: 120_000,
  }, async () => {
    box = await freshDatabase('describe');
    const target = await createTarget(box.config);
    const results = await openResults(path.join(FIXTURES, 'avro/nested.avro'), 'avro');
    const out = await publish({ target, results, path: [box.db], table: 'typed', action: 'dropAndLoad' });
    expect(out.rowsWritten).toBe(results.rowCount);
    const d = await formatted(box, 'typed');
    expect(d.get('Serde Library')).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(d.get('InputFormat')).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    expect(d.get('Type')).toBe('MANAGED');
    expect(d.get('Location')).toMatch(new RegExp(`^file:.*/${box.db}\\.db/typed$`));
    // Every column has the type of publishing.md's Hive column.
    for (const f of results.schema.fields) {
      const m = target.mapType(f.type);
      expect(m.ok && d.get(f.name)?.replace(/`/g, ''), f.name).toBe(m.ok && m.sqlType.replace(/`/g, ''));
    }
    expect(target.mapType(t.int(64, false))).toMatchObject({ sqlType: 'decimal(20,0)' });
  });

  it('a dropAndLoad that changes the columns swaps in the new table; the old one is gone', {
    timeout: 120_000,
  }, async () => {
    box = await freshDatabase('swap');
    await box.session.query(`CREATE TABLE \`${box.db}\`.\`t\` (old_col string) STORED AS PARQUET`);
    await box.session.query(`INSERT INTO \`${box.db}\`.\`t\` VALUES ('x')`);
    const target = await createTarget(box.config);
    const results = await openResults(path.join(FIXTURES, 'csv/types.csv'), 'csv');
    const out = await publish({ target, results, path: [box.db], table: 't', action: 'dropAndLoad' });
    // The new table is complete under its staging name before the old one is touched; the two renames
    // come back to back.
    const names = out.steps.map((s) => s.name);
    expect(names.slice(names.indexOf('create new table'))).toEqual([
      'create new table',
      'fill new table',
      'verify new table',
      'rename old table aside',
      'rename new table into place',
      'drop old table',
      'drop staging table',
    ]);
    expect(out.steps.every((s) => s.status === 'Complete')).toBe(true);
    const d = await formatted(box, 't');
    expect(d.has('old_col')).toBe(false);
    expect((await box.session.query(`SELECT COUNT(*) FROM \`${box.db}\`.\`t\``)).rows[0]?.[0]).toBe(
      BigInt(results.rowCount),
    );
    expect(await box.tables()).toEqual(['t']);
  });

  for (const stopAt of ['load-midway', 'verify row count', 'overwrite from staging']) {
    it(`a truncateAndLoad killed at "${stopAt}" leaves the table as before; the next publish cleans the staging`, {
      timeout: 180_000,
    }, async () => {
      box = await freshDatabase('kill');
      await box.session.query(
        `CREATE TABLE \`${box.db}\`.\`t\` (i bigint, last_text string, last_decimal decimal(4,1), text string) STORED AS PARQUET`,
      );
      await box.session.query(
        `INSERT INTO \`${box.db}\`.\`t\` VALUES (1, 'a', 1.5, 'before'), (2, 'b', 2.5, 'before')`,
      );
      const before = await box.rows('t', SHAPE);
      const child = await runChild({
        url: `hive://127.0.0.1:${PORT}/${box.db}?staging=file://${STAGING}`,
        location: path.join(FIXTURES, 'csv/many_rows.csv'),
        format: 'csv',
        table: 't',
        path: [box.db],
        action: 'truncateAndLoad',
        stopAt,
        sessionId: SESSION,
      });
      expect(child.stoppedAt, child.out).toBe(stopAt);
      const after = await box.rows('t', SHAPE);
      // "overwrite from staging" is frozen before the statement is sent: the table is as before.
      expect(after).toEqual(before);
      const stg = stagingName(SESSION, 'stg');
      expect(existsSync(path.join(STAGING, stg))).toBe(true);

      // The next publish (another session) drops the leftover table and folder, then succeeds.
      const target = await createTarget(box.config);
      const results = await openResults(path.join(FIXTURES, 'csv/many_rows.csv'), 'csv');
      const out = await publish({ target, results, path: [box.db], table: 'u', action: 'createAndLoad' });
      expect(out.rowsWritten).toBe(results.rowCount);
      expect((await box.tables()).filter((n) => n.startsWith('jobpub_'))).toEqual([]);
      // (Only this test's folders: test files run in parallel and stage into the same folder.)
      expect(
        readdirSync(STAGING).filter((n) => n.includes(stg) || n.includes(out.sessionId.replace(/-/g, ''))),
      ).toEqual([]);
      expect(await box.rows('t', SHAPE)).toEqual(before);
    });
  }
});
