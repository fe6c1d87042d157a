import mysql2 from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublishAction } from '../../../src/domain/publish/actions.js';
import { field, type Json, renderRow, schema, t, type Value } from '../../../src/domain/schema/index.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import type { MysqlConfig } from '../../../src/targets/config.js';
import { SESSION_SETUP } from '../../../src/targets/mysql/connection.js';
import { insertRows } from '../../../src/targets/mysql/insert.js';
import { mysqlTarget } from '../../../src/targets/mysql/target.js';
import { memoryResults, sortByJson } from '../../support/results.js';
import { rowAsStored } from '../../support/stored/mysql.js';
import { mysql, type Sandbox } from '../../support/targets.js';
import { day, EVERY_ROW, EVERY_TYPE, instant, US } from './every-type.js';

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const fresh = async (label: string) => {
  box = await mysql.fresh(label);
  return { box, target: mysqlTarget(box.config as MysqlConfig) };
};

async function expected(results: OpenedResults): Promise<{ [k: string]: Json }[]> {
  const rows: { [k: string]: Json }[] = [];
  for await (const b of results.batches()) {
    for (let i = 0; i < b.numRows; i++)
      rows.push(rowAsStored(results.schema.fields, renderRow(results.schema, b, i)));
  }
  return sortByJson(rows);
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as Error & { code?: string },
  );

describe('mysql target: publish()', () => {
  it('stores every logical type exactly (or says where it cannot)', async () => {
    const { box, target } = await fresh('types');
    const results = memoryResults(EVERY_TYPE, EVERY_ROW, 2);
    const out = await publish({ target, results, path: box.path, table: 'every', action: 'createAndLoad' });
    expect(out.warnings).toEqual([
      expect.stringMatching(/^column "huge": decimal\(70,2\) is beyond MySQL's decimal\(65,30\)/),
      expect.stringMatching(/^column "t_ns": MySQL keeps microseconds/),
      expect.stringMatching(/^column "ts_ns": MySQL keeps microseconds/),
    ]);
    expect(await box.rows(out.finalTable.name, EVERY_TYPE)).toEqual(await expected(results));
  });

  it('the INSERT fallback (for servers without local_infile) stores the same values', async () => {
    const { box, target } = await fresh('insert');
    const results = memoryResults(EVERY_TYPE, EVERY_ROW, 2);
    const made = await publish({ target, results, path: box.path, table: 'ins', action: 'create' });
    const c = box.config as MysqlConfig;
    const conn = await mysql2.createConnection({
      host: c.host,
      port: c.port,
      user: c.user,
      database: c.database,
    });
    try {
      for (const setup of SESSION_SETUP) await conn.query(setup);
      const progress: number[] = [];
      const n = await insertRows(conn, {
        into: made.finalTable,
        columns: made.plan.columns,
        results,
        onProgress: (rows) => progress.push(rows),
      });
      expect(n).toBe(5);
      expect(progress.at(-1)).toBe(5);
      expect(await box.rows(made.finalTable.name, EVERY_TYPE)).toEqual(await expected(results));
      const narrow = schema([field('id', t.int32(), false), field('s', t.string())]);
      await box.exec('CREATE TABLE n3 (id int NOT NULL, s varchar(3))');
      const e = await failure(
        insertRows(conn, {
          into: { namespace: box.namespace, name: 'n3' },
          columns: narrow.fields.map((f, i) => ({
            name: f.name,
            sqlType: i ? 'varchar(3)' : 'int',
            source: f,
            sourceIndex: i,
          })),
          results: memoryResults(narrow, [
            [1, 'abc'],
            [2, 'abcd'],
          ]),
          onProgress: () => {},
        }),
      );
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toContain('rows 1 to 2 of the results');
      expect(e.message).toContain("'s' at row 2");
    } finally {
      await conn.end();
    }
  });

  it('a value MySQL cannot hold fails the publish by column and row; nothing is left behind', async () => {
    const { box, target } = await fresh('refuse');
    const s = schema([
      field('id', t.int32(), false),
      field('v', t.double()),
      field('day', t.date()),
      field('ts', t.timestamp('ns', false)),
    ]);
    const good: Value[] = [1, 1.5, day(2020, 1, 1), 0n];
    const cases: [Value[], string, string][] = [
      [[2, Number.NaN, null, null], 'v', 'cannot store NaN'],
      [[2, Number.NEGATIVE_INFINITY, null, null], 'v', 'cannot store -Infinity'],
      [[2, null, day(999, 12, 31), null], 'day', 'years 1000 to 9999'],
      [[2, null, day(10000, 1, 1), null], 'day', 'years 1000 to 9999'],
      [[2, null, null, instant(999, 12, 31, 0n, 1000n * US)], 'ts', 'years 1000 to 9999'],
      [[2, null, null, 1n], 'ts', 'fraction digits'],
    ];
    for (const [bad, column, why] of cases) {
      const results = memoryResults(s, [good, good, good, bad, good], 2);
      const e = await failure(
        publish({ target, results, path: box.path, table: 'r', action: 'createAndLoad' }),
      );
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toContain(`row 4: column "${column}"`);
      expect(e.message).toContain(why);
      expect(await box.tables()).toEqual([]);
    }
  });

  it('a failure mid-load leaves an existing table exactly as before, with no staging table behind', async () => {
    const { box, target } = await fresh('midload');
    const s = schema([field('id', t.int32(), false), field('v', t.double()), field('s', t.string())]);
    const rows: Value[][] = Array.from({ length: 9 }, (_, i) => [i, i / 2, `row ${i}`]);
    await publish({
      target,
      results: memoryResults(s, rows, 4),
      path: box.path,
      table: 'keep',
      action: 'dropAndLoad',
    });
    const before = await box.snapshot('keep');
    const bad = [...rows, [9, Number.NaN, 'bad'], [10, 1, 'after']];
    for (const action of ['load', 'truncateAndLoad', 'dropAndLoad'] as PublishAction[]) {
      const e = await failure(
        publish({ target, results: memoryResults(s, bad, 2), path: box.path, table: 'keep', action }),
      );
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toContain('row 10: column "v"');
      expect(await box.snapshot('keep')).toEqual(before);
      expect(await box.tables()).toEqual(['keep']);
    }
  });

  it('a value the server turns into a warning fails the load, naming the column and row', async () => {
    const { box, target } = await fresh('warn');
    await box.exec('CREATE TABLE narrow (id bigint NOT NULL, s varchar(3), n tinyint NOT NULL)');
    await box.exec("INSERT INTO narrow VALUES (1, 'old', 1)");
    const before = await box.snapshot('narrow');
    const s = schema([field('id', t.int64(), false), field('s', t.string()), field('n', t.int8(), false)]);
    const long = memoryResults(s, [
      [2n, 'abc', 1],
      [3n, 'ab', 1],
      [4n, 'abcd', 1],
    ]);
    for (const action of ['load', 'truncateAndLoad'] as PublishAction[]) {
      const e = await failure(publish({ target, results: long, path: box.path, table: 'narrow', action }));
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toMatch(/column 's' at row 3/);
      expect(await box.snapshot('narrow')).toEqual(before);
      expect(await box.tables()).toEqual(['narrow']);
    }
    // The results say n may be NULL, the table says NOT NULL: a warning at plan time, then the strict
    // INSERT … SELECT from staging fails at the NULL (the staging column is nullable, as the results are).
    const nulls = schema([field('id', t.int64(), false), field('n', t.int8(), true)]);
    const e = await failure(
      publish({
        target,
        results: memoryResults(nulls, [
          [5n, 1],
          [6n, null],
        ]),
        path: box.path,
        table: 'narrow',
        action: 'load',
      }),
    );
    expect(e.code).toBe('TARGET_REJECTED');
    expect(e.message).toMatch(/Column 'n' cannot be null \(error 1048/);
    expect(await box.snapshot('narrow')).toEqual(before);
  });

  it('appends into an existing table by name, case-insensitively, in any column order', async () => {
    const { box, target } = await fresh('append');
    await box.exec(
      "CREATE TABLE mixed (Extra int NULL, `NAME` varchar(20) CHARACTER SET latin1, ID bigint NOT NULL, stamp datetime(6), made timestamp(3) NULL, note text NOT NULL DEFAULT 'x')",
    );
    const s = schema([
      field('id', t.int32(), false),
      field('name', t.string()),
      field('stamp', t.timestamp('us', false)),
      field('made', t.timestamp('ms', true)),
    ]);
    const at = instant(2024, 5, 6, 7_000_123n, US);
    const made = instant(2024, 5, 6, 7_123n, 1000n);
    const out = await publish({
      target,
      results: memoryResults(s, [
        [1, 'Zoë', at, made],
        [2, null, null, null],
      ]),
      path: box.path,
      table: 'mixed',
      action: 'load',
    });
    expect(out.warnings).toEqual([]);
    expect(await box.rows('mixed', s)).toEqual(
      sortByJson([
        { id: 1, name: 'Zoë', stamp: '2024-05-06T00:00:07.000123', made: '2024-05-06T00:00:07.123Z' },
        { id: 2, name: null, stamp: null, made: null },
      ]),
    );
    // A character latin1 cannot hold is a warning, so a failure, never a '?'.
    const e = await failure(
      publish({
        target,
        results: memoryResults(s, [[3, '中', null, null]]),
        path: box.path,
        table: 'mixed',
        action: 'load',
      }),
    );
    expect(e.code).toBe('TARGET_REJECTED');
  });

  it('refuses digits finer than an existing column keeps, by plan or by row', async () => {
    const { box, target } = await fresh('fsp');
    await box.exec('CREATE TABLE secs (id int NOT NULL, at datetime NULL, t time(3) NULL)');
    const ms = schema([
      field('id', t.int32(), false),
      field('at', t.timestamp('ms', false)),
      field('t', t.time('ms')),
    ]);
    const whole = instant(2024, 1, 1, 5_000n, 1000n);
    await publish({
      target,
      results: memoryResults(ms, [[1, whole, 1n]]),
      path: box.path,
      table: 'secs',
      action: 'load',
    });
    expect(await box.rows('secs', ms)).toEqual([{ id: 1, at: '2024-01-01T00:00:05.000', t: '00:00:00.001' }]);
    const e = await failure(
      publish({
        target,
        results: memoryResults(ms, [
          [2, whole, null],
          [3, whole + 1n, null],
        ]),
        path: box.path,
        table: 'secs',
        action: 'load',
      }),
    );
    expect(e.code).toBe('TARGET_REJECTED');
    expect(e.message).toContain('row 2: column "at": value has digits finer than a datetime column keeps');
    const us = schema([field('id', t.int32(), false), field('t', t.time('us'))]);
    const plan = await failure(
      publish({
        target,
        results: memoryResults(us, [[4, 1n]]),
        path: box.path,
        table: 'secs',
        action: 'load',
      }),
    );
    expect(plan.code).toBe('PUBLISH_INCOMPATIBLE');
    expect(await box.rows('secs', ms)).toHaveLength(1);
  });

  it('handles names with backticks, unicode and the 64-byte limit', async () => {
    const { box, target } = await fresh('names');
    const table = `we\`ird naMe é ${'x'.repeat(40)}`.slice(0, 60);
    const s = schema([field('a`b', t.int32()), field('Ünï cödé', t.string())]);
    const results = memoryResults(s, [
      [1, 'x'],
      [2, 'y'],
    ]);
    for (const action of ['dropAndLoad', 'dropAndLoad', 'truncateAndLoad', 'load'] as PublishAction[]) {
      await publish({ target, results, path: box.path, table, action });
    }
    expect(await box.rows(table, s)).toHaveLength(4);
    expect(await box.tables()).toEqual([table]);
    const long = await failure(
      publish({ target, results, path: box.path, table: 'é'.repeat(33), action: 'create' }),
    );
    expect(long.code).toBe('PUBLISH_BAD_NAME');
  });

  it('keeps empty strings apart from NULL, even as the only column', async () => {
    const { box, target } = await fresh('empty');
    const s = schema([field('s', t.string())]);
    const results = memoryResults(s, [[''], [null], ['\\N'], [''], ['a']], 2);
    const out = await publish({ target, results, path: box.path, table: 'e', action: 'dropAndLoad' });
    expect(out.rowsWritten).toBe(5);
    expect(await box.rows('e', s)).toEqual(await expected(results));
    const bad = memoryResults(s, [['ok'], ['x\ud800y']]);
    const e = await failure(publish({ target, results: bad, path: box.path, table: 'e', action: 'load' }));
    expect(e.message).toContain('row 2: column "s": text holds a lone UTF-16 surrogate');
    expect(await box.rows('e', s)).toHaveLength(5);
  });

  it('loads many rows in bounded batches and counts them', async () => {
    const { box, target } = await fresh('many');
    const s = schema([field('id', t.int64(), false), field('s', t.string()), field('d', t.double())]);
    const n = 60_000;
    const rows: Value[][] = Array.from({ length: n }, (_, i) => [
      BigInt(i),
      `value ${i}\twith tab`,
      i * 0.25,
    ]);
    const progress: number[] = [];
    const out = await publish(
      {
        target,
        results: memoryResults(s, rows, 5_000),
        path: box.path,
        table: 'many',
        action: 'createAndLoad',
      },
      { onProgress: (p) => progress.push(p.rowsWritten) },
    );
    expect(out.rowsWritten).toBe(n);
    expect(progress.at(-1)).toBe(n);
    expect(await box.rows(out.finalTable.name, s)).toHaveLength(n);
  });
});
