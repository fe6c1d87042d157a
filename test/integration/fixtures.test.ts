import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublishAction } from '../../src/domain/publish/actions.js';
import type { Json } from '../../src/domain/schema/index.js';
import { isJobpubError } from '../../src/errors/index.js';
import { openResults } from '../../src/formats/open.js';
import type { OpenedResults } from '../../src/formats/reader.js';
import { publish } from '../../src/publish/executor.js';
import { createTarget } from '../../src/targets/registry.js';
import { loadCases } from '../support/cases.js';
import { keepRows, sortByJson } from '../support/results.js';
import * as duckdbStored from '../support/stored/duckdb.js';
import * as mysqlStored from '../support/stored/mysql.js';
import * as postgresStored from '../support/stored/postgres.js';
import { type Sandbox, TARGETS } from '../support/targets.js';

/**
 * THE integration suite (STYLE habit 10): every golden fixture of every format, published to every target
 * with all five actions, every value read back and compared with the fixture's expected rows. Where a
 * target cannot hold a value (test/support/stored/<target>.ts says which: NaN in MySQL, a NUL in
 * PostgreSQL text, nanoseconds in a µs column, …) the whole publish must fail naming the column and row and
 * leave nothing behind; the other rows are then published on their own.
 */
const STORED = { postgres: postgresStored, mysql: mysqlStored, duckdb: duckdbStored } as const;
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SUFFIX = '20260102030405';
const cases = loadCases().filter((c) => !c.error && c.rows && c.schema && c.schema.length > 0);

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as Error & { code?: string },
  );

describe.each(TARGETS)('$kind: every fixture × every action, every value read back', (harness) => {
  const stored = STORED[harness.kind];

  it('has fixtures of every format', () => {
    expect(new Set(cases.map((c) => c.format))).toEqual(new Set(['pqt', 'avro', 'csv', 'json']));
  });

  for (const c of cases) {
    const dir = path.dirname(c.file);
    const name = path.relative(path.dirname(dir), c.file).replace(/\.case\.json$/, '');

    it(name, async () => {
      box = await harness.fresh(`fx_${c.format}`);
      const target = await createTarget(box.config);
      let results: OpenedResults = await openResults(path.resolve(dir, c.path), c.format, c.options ?? {});
      const fields = results.schema.fields;
      let expected = c.rows!;

      const bad = stored.firstUnstorable(fields, expected);
      if (bad) {
        const e = await failure(
          publish({ target, results, path: box.path, table: 't', action: 'createAndLoad', now: NOW }),
        );
        expect(isJobpubError(e) && e.code, e.message).toBe('TARGET_REJECTED');
        expect(e.message).toContain(`row ${bad.row + 1}`);
        expect(e.message).toContain(`column "${bad.column}"`);
        expect(await box.tables()).toEqual([]);
        const keep = expected.map((r) => stored.firstUnstorable(fields, [r]) === undefined);
        results = keepRows(results, (i) => keep[i]!);
        expected = expected.filter((_, i) => keep[i]);
      }
      const shape = (rows: readonly Record<string, Json>[]) =>
        sortByJson(stored.normalize(results.schema, rows));
      const want = shape(expected.map((r) => stored.rowAsStored(fields, r)));
      const read = async (table: string) => shape(await box!.rows(table, results.schema));
      const pub = (action: PublishAction) =>
        publish({ target, results, path: box!.path, table: 't', action, now: NOW });

      const missing = await failure(pub('load'));
      expect(missing.code).toBe('PUBLISH_TABLE_MISSING');
      expect(await box.tables()).toEqual([]);

      const cl = await pub('createAndLoad');
      expect(cl.finalTable.name).toBe(`t_${SUFFIX}`);
      expect(cl.rowsWritten).toBe(results.rowCount);
      expect(await read(cl.finalTable.name)).toEqual(want);

      const created = await pub('create');
      expect(created.finalTable.name).toBe(`t_${SUFFIX}_2`);
      expect(await read(created.finalTable.name)).toEqual([]);

      await pub('dropAndLoad'); // absent: created
      expect(await read('t')).toEqual(want);
      await pub('dropAndLoad'); // present: replaced
      expect(await read('t')).toEqual(want);

      const truncated = await pub('truncateAndLoad');
      expect(await read('t')).toEqual(want);
      const loaded = await pub('load');
      expect(await read('t')).toEqual(sortByJson([...want, ...want]));
      // Appending into the table the results made warns only about time columns (µs columns for ns
      // results; UTC instants in a MySQL datetime), each naming its column.
      const timeColumns = fields
        .filter((f) => f.type.kind === 'timestamp' || f.type.kind === 'time')
        .map((f) => f.name);
      for (const w of [...truncated.warnings, ...loaded.warnings]) {
        expect(
          timeColumns.some((n) => w.startsWith(`column "${n}": `)),
          w,
        ).toBe(true);
      }

      expect((await box.tables()).filter((n) => n.toLowerCase().startsWith('jobpub_'))).toEqual([]);
    });
  }
});
