import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json, Schema } from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import type { PostgresConfig } from '../../../src/targets/config.js';
import { copyLoad } from '../../../src/targets/postgres/loader.js';
import { postgresTarget } from '../../../src/targets/postgres/target.js';
import { loadCases } from '../../support/cases.js';
import { readBack, sortMapEntries } from '../../support/readback/postgres.js';
import { keepRows, sortByJson } from '../../support/results.js';
import { postgres, type Sandbox } from '../../support/targets.js';
import { failure, firstUnstorable, rowAsStored } from './expect.js';

/**
 * Every golden fixture (every format whose reader is in place) through `publish()` into PostgreSQL with
 * all five actions, every value read back. Values PostgreSQL cannot hold (a NUL in text or jsonb,
 * nanosecond digits) make the whole publish fail with an error naming column and row, leaving nothing
 * behind; the other rows are then published on their own. Maps are compared as sets (jsonb orders keys).
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SUFFIX = '20260102030405';
const cases = loadCases().filter((c) => !c.error && c.rows && c.schema && c.schema.length > 0);

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const rowsOf = async (b: Sandbox, table: string, schema: Schema) =>
  sortByJson(
    sortMapEntries(
      schema,
      await readBack(b.config as PostgresConfig, { namespace: b.namespace, name: table }, schema),
    ),
  );

describe('postgres: golden fixtures through publish()', () => {
  it('has fixtures to publish', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const dir = path.dirname(c.file);
    const name = path.relative(path.dirname(dir), c.file).replace(/\.case\.json$/, '');
    const open = () => openResults(path.resolve(dir, c.path), c.format, c.options ?? {});

    it(`${name}: five actions, every value read back`, async () => {
      box = await postgres.fresh(`fx_${c.format}`);
      const target = postgresTarget(box.config as PostgresConfig);
      let results: OpenedResults = await open();
      const fields = results.schema.fields;
      let expected = c.rows!;

      const bad = firstUnstorable(fields, expected);
      if (bad) {
        const e = await failure(
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
      const want = sortByJson(
        sortMapEntries(
          results.schema,
          expected.map((r) => rowAsStored(fields, r)),
        ),
      );
      const pub = (action: 'create' | 'createAndLoad' | 'load' | 'truncateAndLoad' | 'dropAndLoad') =>
        publish({ target, results, path: box!.path, table: 't', action, now: NOW });

      const missing = await failure(pub('load'));
      expect(missing.code).toBe('PUBLISH_TABLE_MISSING');
      expect(await box.tables()).toEqual([]);

      const cl = await pub('createAndLoad');
      expect(cl.finalTable.name).toBe(`t_${SUFFIX}`);
      expect(cl.rowsWritten).toBe(results.rowCount);
      expect(await rowsOf(box, cl.finalTable.name, results.schema)).toEqual(want);

      const created = await pub('create');
      expect(created.finalTable.name).toBe(`t_${SUFFIX}_2`);
      expect(await rowsOf(box, created.finalTable.name, results.schema)).toEqual([]);

      await pub('dropAndLoad'); // absent: created
      expect(await rowsOf(box, 't', results.schema)).toEqual(want);
      await pub('dropAndLoad'); // present: replaced
      expect(await rowsOf(box, 't', results.schema)).toEqual(want);
      // Into an existing table, compat.ts refuses ns results for a µs column before any data moves
      // (a new table takes them with a warning). Either that refusal, naming every ns column, or the rows.
      const nsColumns = fields.filter(
        (f) => (f.type.kind === 'timestamp' || f.type.kind === 'time') && f.type.unit === 'ns',
      );
      const intoExisting = async (action: 'truncateAndLoad' | 'load', rows: { [k: string]: Json }[]) => {
        const before = await rowsOf(box!, 't', results.schema);
        const outcome = await pub(action).catch((e: Error & { code?: string }) => e);
        if (outcome instanceof Error) {
          expect(nsColumns.length).toBeGreaterThan(0);
          expect(outcome.code).toBe('PUBLISH_INCOMPATIBLE');
          for (const f of nsColumns) expect(outcome.message).toContain(`column "${f.name}"`);
          expect(await rowsOf(box!, 't', results.schema)).toEqual(before);
          return;
        }
        expect(outcome.warnings.filter((w) => !nsColumns.some((f) => w.includes(`"${f.name}"`)))).toEqual([]);
        expect(await rowsOf(box!, 't', results.schema)).toEqual(rows);
      };
      await intoExisting('truncateAndLoad', want);
      await intoExisting('load', sortByJson([...want, ...want]));

      expect((await box.tables()).filter((t) => t.startsWith('jobpub_'))).toEqual([]);
    });
  }
});

/**
 * The same fixtures through COPY text, the loader's other format (chosen when a column of an existing table
 * has no exact binary encoder): into the table `create` makes, every value read back.
 */
describe('postgres: golden fixtures through COPY text', () => {
  for (const c of cases) {
    const dir = path.dirname(c.file);
    const name = path.relative(path.dirname(dir), c.file).replace(/\.case\.json$/, '');

    it(`${name}: every value read back`, async () => {
      box = await postgres.fresh(`tx_${c.format}`);
      const config = box.config as PostgresConfig;
      const target = postgresTarget(config);
      let results: OpenedResults = await openResults(path.resolve(dir, c.path), c.format, c.options ?? {});
      const fields = results.schema.fields;
      const keep = c.rows!.map((r) => firstUnstorable(fields, [r]) === undefined);
      results = keepRows(results, (i) => keep[i]!);
      const expected = c.rows!.filter((_, i) => keep[i]);
      const created = await publish({
        target,
        results,
        path: box.path,
        table: 't',
        action: 'create',
        now: NOW,
      });
      const client = new pg.Client({
        host: config.host,
        port: config.port,
        user: config.user,
        database: config.database,
      });
      await client.connect();
      try {
        await client.query("BEGIN; SET LOCAL TIME ZONE 'UTC'");
        const n = await copyLoad(
          client,
          { into: created.finalTable, columns: created.plan.columns, results, onProgress: () => {} },
          'text',
        );
        await client.query('COMMIT');
        expect(n).toBe(results.rowCount);
      } finally {
        await client.end();
      }
      const want = sortByJson(
        sortMapEntries(
          results.schema,
          expected.map((r) => rowAsStored(fields, r)),
        ),
      );
      expect(await rowsOf(box, created.finalTable.name, results.schema)).toEqual(want);
    });
  }
});
