import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults, ResultFormat } from '../../../src/formats/reader.js';
import { RESULT_FORMATS } from '../../../src/formats/reader.js';
import { quoteIdent } from '../../../src/targets/duckdb/dialect.js';
import { chooseMethod } from '../../../src/targets/duckdb/loader.js';
import { mapDuckdbType } from '../../../src/targets/duckdb/type-map.js';
import { type GoldenCase, loadCases } from '../../support/cases.js';
import { readBack } from '../../support/readback/duckdb.js';
import {
  exec,
  failure,
  freshFile,
  hasNonNullChild,
  run,
  snapshotFile,
  sortRows,
  tables,
  withDb,
} from './helpers.js';

/**
 * The five actions on one fixture per format (test/integration/fixtures.test.ts publishes every fixture to
 * every target and reads every value back).
 */
const good = loadCases().filter((c) => !c.error && c.rows);

async function open(c: GoldenCase): Promise<OpenedResults> {
  return openResults(path.resolve(path.dirname(c.file), c.path), c.format, c.options ?? {});
}

const caseName = (c: GoldenCase) =>
  path.relative(path.resolve(c.file, '../..'), c.file).replace(/\.case\.json$/, '');
const read = (file: string, table: string, results: OpenedResults) =>
  readBack({ kind: 'duckdb', file }, { namespace: 'main', name: table }, results.schema).then(sortRows);

/**
 * The richest fixture of a format that DuckDB can hold (no ns UTC instants) and that `load` can append to
 * (no NOT NULL nested child: DuckDB cannot declare one, so compat.ts sees another type; see the report).
 */
function representative(format: ResultFormat): GoldenCase | undefined {
  return good
    .filter((c) => c.format === format && c.rows!.length > 0)
    .sort((a, b) => (b.schema?.length ?? 0) - (a.schema?.length ?? 0))
    .find((c) => c.schema !== undefined && !/timestamp\(ns, utc\)| not null/.test(JSON.stringify(c.schema)));
}

describe.each(RESULT_FORMATS.map((f) => [f] as const))(
  'duckdb: the five actions with %s results',
  (format) => {
    const c = representative(format);
    const on = c ? ` (${caseName(c)})` : '';

    it.skipIf(!c)(`create, createAndLoad, load, truncateAndLoad, dropAndLoad${on}`, async () => {
      const { file, cleanup } = freshFile(format);
      const results = await open(c!);
      expect(results.schema.fields.some((f) => hasNonNullChild(f.type))).toBe(false);
      const expected = sortRows(c!.rows!);
      const twice = sortRows([...c!.rows!, ...c!.rows!]);

      // create: an empty table with the results' schema, suffixed; a collision gets _2.
      const created = await run(file, { results, table: 'T', action: 'create' });
      expect(created.finalTable.name).toBe('T_20240102030405');
      expect(created.rowsWritten).toBe(0);
      const again = await run(file, { results, table: 'T', action: 'create' });
      expect(again.finalTable.name).toBe('T_20240102030405_2');
      const columns = await withDb(file, async (conn) =>
        (
          await conn.runAndReadAll(
            `SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'T_20240102030405' ORDER BY column_index`,
          )
        ).getRows(),
      );
      expect(columns.map((r) => r[0])).toEqual(results.schema.fields.map((f) => f.name));
      expect(await read(file, 'T_20240102030405', results)).toEqual([]);
      // The declared types are the type map's (DuckDB spells TIMESTAMPTZ as TIMESTAMP WITH TIME ZONE).
      const mapped = results.schema.fields.map((f) => {
        const m = mapDuckdbType(f.type);
        return m.ok ? m.sqlType.replace('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE').replace(/"/g, '') : '?';
      });
      expect(columns.map((r) => String(r[1]).replace(/"/g, ''))).toEqual(mapped);

      // createAndLoad: the third table with this suffix, with every row.
      const cl = await run(file, { results, table: 'T', action: 'createAndLoad' });
      expect(cl.finalTable.name).toBe('T_20240102030405_3');
      expect(await read(file, cl.finalTable.name, results)).toEqual(expected);

      // load into a missing table: fails, creates nothing.
      const before = await tables(file);
      const missing = await failure(run(file, { results, table: 'absent', action: 'load' }));
      expect(missing.code).toBe('PUBLISH_TABLE_MISSING');
      expect(await tables(file)).toEqual(before);

      // dropAndLoad over a table of another shape: replaced by the results' table.
      await exec(file, `CREATE TABLE tbl (other INTEGER); INSERT INTO tbl VALUES (7)`);
      await run(file, { results, table: 'tbl', action: 'dropAndLoad' });
      expect(await read(file, 'tbl', results)).toEqual(expected);

      // load appends (case-insensitive name); truncateAndLoad replaces the rows and keeps the table.
      await run(file, { results, table: 'TBL', action: 'load' });
      expect(await read(file, 'tbl', results)).toEqual(twice);
      await run(file, { results, table: 'tbl', action: 'truncateAndLoad' });
      expect(await read(file, 'tbl', results)).toEqual(expected);
      // truncateAndLoad and dropAndLoad of an absent table create it.
      await run(file, { results, table: 'fresh1', action: 'truncateAndLoad' });
      await run(file, { results, table: 'fresh2', action: 'dropAndLoad' });
      expect(await read(file, 'fresh1', results)).toEqual(expected);
      expect(await read(file, 'fresh2', results)).toEqual(expected);
      cleanup();
    });

    it.skipIf(!c)(`a load that fails on a value leaves the file exactly as it was${on}`, async () => {
      const { file, cleanup } = freshFile(`${format}_fail`);
      const results = await open(c!);
      await run(file, { results, table: 'tbl', action: 'dropAndLoad' });
      // A table like the results' but with a guard column whose default breaks a CHECK: every row fails
      // in DuckDB itself (native INSERT for Parquet, INSERT from the appender's temp table otherwise).
      const cols = results.schema.fields.map((f) => {
        const m = mapDuckdbType(f.type);
        return `${quoteIdent(f.name)} ${m.ok ? m.sqlType : '?'}`;
      });
      await exec(
        file,
        `CREATE TABLE strict (${cols.join(', ')}, guard INTEGER DEFAULT 0 CHECK (guard > 0));
       INSERT INTO strict SELECT *, 1 FROM tbl`,
      );
      const before = await snapshotFile(file);
      for (const action of ['load', 'truncateAndLoad'] as const) {
        const e = await failure(run(file, { results, table: 'strict', action }));
        expect(e.code).toBe('TARGET_REJECTED');
        expect(e.message).toMatch(/CHECK constraint/);
        expect(e.steps.find((s) => s.name === 'load')?.status).toBe('Failed');
        expect(await snapshotFile(file)).toEqual(before);
      }
      cleanup();
    });
  },
);

describe('duckdb: the load method', () => {
  const pqt = representative('pqt');
  const avro = representative('avro');

  it.skipIf(!pqt)('reads local Parquet natively when DuckDB sees the same column types', async () => {
    const { file, cleanup } = freshFile('method');
    const results = await open(pqt!);
    await run(file, { results, table: 'tbl', action: 'create' });
    const columns = results.schema.fields.map((f, i) => ({
      name: f.name,
      sqlType: '',
      source: f,
      sourceIndex: i,
    }));
    const method = await withDb(file, (conn) =>
      chooseMethod(conn, { into: { name: 'tbl_20240102030405' }, columns, results, onProgress: () => {} }),
    );
    expect(method.kind).toBe('native');
    cleanup();
  });

  it.skipIf(!avro)('uses the appender for other formats', async () => {
    const { file, cleanup } = freshFile('method');
    const results = await open(avro!);
    await run(file, { results, table: 'tbl', action: 'create' });
    const columns = results.schema.fields.map((f, i) => ({
      name: f.name,
      sqlType: '',
      source: f,
      sourceIndex: i,
    }));
    const method = await withDb(file, (conn) =>
      chooseMethod(conn, { into: { name: 'tbl_20240102030405' }, columns, results, onProgress: () => {} }),
    );
    expect(method.kind).toBe('appender');
    cleanup();
  });
});
