import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Schema } from '../../../src/domain/schema/index.js';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import type { PostgresConfig } from '../../../src/targets/config.js';
import { copyLoad } from '../../../src/targets/postgres/loader.js';
import { postgresTarget } from '../../../src/targets/postgres/target.js';
import { loadCases } from '../../support/cases.js';
import { readBack, sortMapEntries } from '../../support/readback/postgres.js';
import { keepRows, sortByJson } from '../../support/results.js';
import { firstUnstorable, rowAsStored } from '../../support/stored/postgres.js';
import { postgres, type Sandbox } from '../../support/targets.js';

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const _SUFFIX = '20260102030405';
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

/**
 * Every golden fixture through COPY text, the loader's other format (test/integration/fixtures.test.ts
 * covers the binary path with all five actions) (chosen when a column of an existing table
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
