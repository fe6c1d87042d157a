import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublishAction } from '../../../src/domain/publish/actions.js';
import type { Json } from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import { createTarget } from '../../../src/targets/registry.js';
import { loadCases } from '../../support/cases.js';
import { keepRows, sortByJson } from '../../support/results.js';
import { ensureServer, freshDatabase, type HiveBox } from './harness.js';
import { firstUnstorable } from './stored.js';

/**
 * Hive, verified on a real HiveServer2 (Spark Thrift Server, scripts/hive-server.sh): fixtures of every
 * format, published with all five actions, every value read back through HiveServer2 and compared with the
 * fixture's expected rows. A value Hive cannot hold (nanosecond digits) must fail the publish naming its
 * row and column and leave nothing behind; the other rows are then published on their own. Fixtures are a
 * chosen set (every type, the edge values, nested, multi-part, empty) so the suite stays within minutes:
 * each publish is a few Spark jobs.
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SUFFIX = '20260102030405';
const CHOSEN = new Set([
  'pqt/types',
  'pqt/edges',
  'pqt/decimals_flba',
  'pqt/int96',
  'pqt/parts',
  'pqt/types_legacy_lists',
  'avro/types',
  'avro/edge',
  'avro/nested',
  'csv/types',
  'csv/temporal',
  'csv/extremes',
  'json/nested_array',
  'json/numbers',
  'json/strings',
]);
const cases = loadCases()
  .filter((c) => !c.error && c.rows && c.schema && c.schema.length > 0)
  .map((c) => ({ c, name: `${c.format}/${path.basename(c.file).replace(/\.case\.json$/, '')}` }))
  .filter(({ name }) => CHOSEN.has(name));

let box: HiveBox | undefined;
beforeAll(ensureServer, 300_000);
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});
afterAll(async () => {
  await box?.session.close();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as Error & { code?: string },
  );

describe('hive: chosen fixtures × every action, every value read back through HiveServer2', () => {
  it('covers every format', () => {
    expect(cases.map((x) => x.name).sort()).toEqual([...CHOSEN].sort());
  });

  for (const { c, name } of cases) {
    it(name, { timeout: 120_000 }, async () => {
      box = await freshDatabase(`fx_${c.format}`);
      const target = await createTarget(box.config);
      const dir = path.dirname(c.file);
      let results: OpenedResults = await openResults(path.resolve(dir, c.path), c.format, c.options ?? {});
      const fields = results.schema.fields;
      let expected = c.rows!;

      const bad = firstUnstorable(fields, expected);
      if (bad) {
        const e = await failure(
          publish({ target, results, path: [box.db], table: 't', action: 'createAndLoad', now: NOW }),
        );
        expect(isJobpubError(e) && e.code, e.message).toBe('TARGET_REJECTED');
        expect(e.message).toContain(`row ${bad.row + 1}`);
        expect(e.message).toContain(`column "${bad.column}"`);
        expect(await box.tables()).toEqual([]);
        const keep = expected.map((r) => firstUnstorable(fields, [r]) === undefined);
        results = keepRows(results, (i) => keep[i]!);
        expected = expected.filter((_, i) => keep[i]);
      }
      const want = sortByJson(
        expected.map((r) => Object.fromEntries(fields.map((f) => [f.name, r[f.name] ?? null]))),
      );
      const read = async (table: string) =>
        sortByJson(await box!.rows(table, results.schema)) as Record<string, Json>[];
      const pub = (action: PublishAction) =>
        publish({ target, results, path: [box!.db], table: 't', action, now: NOW });

      const missing = await failure(pub('load'));
      expect(missing.code).toBe('PUBLISH_TABLE_MISSING');

      const cl = await pub('createAndLoad');
      expect(cl.finalTable.name).toBe(`t_${SUFFIX}`);
      expect(cl.rowsWritten).toBe(results.rowCount);
      expect(await read(cl.finalTable.name)).toEqual(want);

      const created = await pub('create');
      expect(created.finalTable.name).toBe(`t_${SUFFIX}_2`);
      expect(await read(created.finalTable.name)).toEqual([]);

      await pub('dropAndLoad'); // absent: created
      expect(await read('t')).toEqual(want);
      await pub('dropAndLoad'); // present, same columns: INSERT OVERWRITE
      expect(await read('t')).toEqual(want);
      await pub('truncateAndLoad');
      expect(await read('t')).toEqual(want);
      await pub('load');
      expect(await read('t')).toEqual(sortByJson([...want, ...want]));

      expect((await box.tables()).filter((n) => n.startsWith('jobpub_'))).toEqual([]);
    });
  }
});
