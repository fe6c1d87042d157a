import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import type { MysqlConfig } from '../../../src/targets/config.js';
import { mysqlTarget } from '../../../src/targets/mysql/target.js';
import { loadCases } from '../../support/cases.js';
import { keepRows, sortByJson } from '../../support/results.js';
import { mysql, type Sandbox } from '../../support/targets.js';
import { firstUnstorable, rowAsStored } from './expect.js';

/**
 * Every golden fixture (all formats whose reader is in place) through `publish()` into MariaDB with all
 * five actions, and every value read back. Rows MySQL cannot hold (NaN, years before 1000, nanoseconds)
 * make the full results fail with an error naming the column and row; the other rows are then published
 * on their own.
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SUFFIX = '20260102030405';
const cases = loadCases().filter((c) => !c.error && c.rows && c.schema && c.schema.length > 0);

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const err = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as Error & { code?: string },
  );

describe('mysql: golden fixtures through publish()', () => {
  it('has fixtures to publish', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const dir = path.dirname(c.file);
    const name = path.relative(path.dirname(dir), c.file).replace(/\.case\.json$/, '');
    const open = () => openResults(path.resolve(dir, c.path), c.format, c.options ?? {});

    it(`${name}: five actions, every value read back`, async () => {
      box = await mysql.fresh(`fx_${c.format}`);
      const target = mysqlTarget(box.config as MysqlConfig);
      let results: OpenedResults = await open();
      const fields = results.schema.fields;
      let expected = c.rows!;

      const bad = firstUnstorable(fields, expected);
      if (bad) {
        const e = await err(
          publish({ target, results, path: box.path, table: 't', action: 'createAndLoad', now: NOW }),
        );
        expect(isJobpubError(e) && e.code).toBe('TARGET_REJECTED');
        expect(e.message).toContain(`row ${bad.row + 1}`);
        expect(e.message).toContain(`column "${bad.column}"`);
        expect(await box.tables()).toEqual([]);
        const keep = expected.map((r) => firstUnstorable(fields, [r]) === undefined);
        results = keepRows(results, (i) => keep[i]!);
        expected = expected.filter((_, i) => keep[i]);
      }
      const want = sortByJson(expected.map((r) => rowAsStored(fields, r)));
      const pub = (action: 'create' | 'createAndLoad' | 'load' | 'truncateAndLoad' | 'dropAndLoad') =>
        publish({ target, results, path: box!.path, table: 't', action, now: NOW });

      const missing = await err(pub('load'));
      expect(missing.code).toBe('PUBLISH_TABLE_MISSING');
      expect(await box.tables()).toEqual([]);

      const cl = await pub('createAndLoad');
      expect(cl.finalTable.name).toBe(`t_${SUFFIX}`);
      expect(cl.rowsWritten).toBe(results.rowCount);
      expect(await box.rows(cl.finalTable.name, results.schema)).toEqual(want);

      const created = await pub('create');
      expect(created.finalTable.name).toBe(`t_${SUFFIX}_2`);
      expect(await box.rows(created.finalTable.name, results.schema)).toEqual([]);

      await pub('dropAndLoad'); // absent: created
      expect(await box.rows('t', results.schema)).toEqual(want);
      await pub('dropAndLoad'); // present: replaced
      expect(await box.rows('t', results.schema)).toEqual(want);

      await pub('truncateAndLoad');
      expect(await box.rows('t', results.schema)).toEqual(want);
      const loaded = await pub('load');
      // An existing datetime(6)/time(6) keeps microseconds (ns results are allowed: a sub-µs value fails by
      // row), and datetime holds wall-clock time (UTC instants appended to it are said to be stored as such).
      const expectedWarnings = fields.flatMap((f) => {
        if (f.type.kind !== 'timestamp' && f.type.kind !== 'time') return [];
        const parts = [];
        if (f.type.unit === 'ns') parts.push('the column keeps microseconds');
        if (f.type.kind === 'timestamp' && f.type.utc) parts.push('UTC instants');
        return parts.length ? [`column "${f.name}": ${parts.join('')}`] : [];
      });
      expect(loaded.warnings.length).toBe(expectedWarnings.length);
      for (const [i, w] of loaded.warnings.entries()) {
        const [head, ...rest] = expectedWarnings[i]!.split(': ');
        expect(w.startsWith(`${head}: `)).toBe(true);
        for (const part of rest.join(': ').split(/(?=UTC instants)/)) expect(w).toContain(part);
      }
      const twice: { [k: string]: Json }[] = sortByJson([...want, ...want]);
      expect(await box.rows('t', results.schema)).toEqual(twice);

      expect((await box.tables()).filter((t) => t.startsWith('jobpub_'))).toEqual([]);
    });
  }
});
