import { describe, expect, it } from 'vitest';
import { field, schema, t } from '../../../src/domain/schema/index.js';
import { readBack } from '../../support/readback/duckdb.js';
import { exec, failure, freshFile, memResults, run, snapshotFile, tables, withDb } from './helpers.js';

/** Values and table shapes no golden fixture has: widening into existing tables, refusals by value. */
const text = (file: string, sql: string) =>
  withDb(file, async (c) =>
    (await c.runAndReadAll(sql)).getRowsJson().map((r) => r.map((v) => (v === null ? null : String(v)))),
  );

describe('duckdb: appending into existing tables of wider types', () => {
  const results = memResults(
    schema([
      field('a', t.int32()),
      field('b', t.decimal(9, 2)),
      field('c', t.date()),
      field('d', t.timestamp('ms', false)),
      field('e', t.float()),
      field('f', t.int64()),
      field('g', t.int64()),
      field('h', t.timestamp('ms', true)),
      field('i', t.time('us')),
      field('j', t.list(t.int32())),
    ]),
    [
      [-7, -12345n, 19782, -1n, 1.5, 9007199254740993n, -9223372036854775808n, 1706842096789n, 1n, [1, null]],
      [null, null, null, null, null, null, null, null, null, null],
    ],
  );
  const expected = [
    [
      '-7',
      '-123.4500',
      '2024-02-29 00:00:00',
      '1969-12-31 23:59:59.999',
      '1.5',
      '9007199254740993',
      '-9223372036854775808',
      '2024-02-02 02:48:16.789+00',
      '00:00:00.000001',
      '[1, NULL]',
      'x',
    ],
    [null, null, null, null, null, null, null, null, null, null, 'x'],
  ];
  const select = `SELECT a::VARCHAR, b::VARCHAR, c::VARCHAR, d::VARCHAR, e::VARCHAR, f, g::VARCHAR, h::VARCHAR, i::VARCHAR, j::VARCHAR, extra FROM w ORDER BY a NULLS LAST`;

  it('through a temporary table when the table has other columns, in another order (defaults apply)', async () => {
    const { file, cleanup } = freshFile('widen');
    await exec(
      file,
      `CREATE TABLE w (extra VARCHAR NOT NULL DEFAULT 'x', j INTEGER[], i TIME_NS, h TIMESTAMPTZ, g HUGEINT, f VARCHAR,
         e DOUBLE, d TIMESTAMP_NS, c TIMESTAMP, b DECIMAL(18,4), a BIGINT)`,
    );
    const out = await run(file, { results, table: 'w', action: 'load' });
    expect(out.rowsWritten).toBe(2);
    expect(out.warnings).toEqual(['column "c": dates become timestamps at midnight']);
    expect(await text(file, select)).toEqual(expected);
    cleanup();
  });

  it('straight into the table when its columns are the planned ones', async () => {
    const { file, cleanup } = freshFile('widen_direct');
    await exec(
      file,
      `CREATE TABLE w (a BIGINT, b DECIMAL(18,4), c TIMESTAMP, d TIMESTAMP_NS, e DOUBLE, f VARCHAR, g HUGEINT,
         h TIMESTAMPTZ, i TIME_NS, j INTEGER[])`,
    );
    await run(file, { results, table: 'w', action: 'truncateAndLoad' });
    expect(await text(file, select.replace(', extra', ", 'x'"))).toEqual(expected);
    cleanup();
  });
});

describe('duckdb: values the target keeps only one way, or not at all', () => {
  it('refuses a nanosecond UTC instant with sub-µs digits by row, naming the column; keeps whole µs', async () => {
    const { file, cleanup } = freshFile('ns');
    const s = schema([field('id', t.int32()), field('ts', t.timestamp('ns', true))]);
    const bad = memResults(s, [
      [1, 1_000n],
      [2, 1_706_842_096_789_012_345n],
    ]);
    const e = await failure(run(file, { results: bad, table: 'ns', action: 'createAndLoad' }));
    expect(e.code).toBe('TARGET_REJECTED');
    expect(e.message).toMatch(/row 2: column "ts"/);
    expect(await tables(file)).toEqual([]);

    const ok = memResults(s, [[1, 1_706_842_096_789_012_000n]]);
    const out = await run(file, { results: ok, table: 'ns', action: 'dropAndLoad' });
    expect(out.warnings[0]).toMatch(/column "ts": DuckDB TIMESTAMPTZ keeps microseconds/);
    expect(await readBack({ kind: 'duckdb', file }, { name: 'ns' }, s)).toEqual([
      { id: 1, ts: '2024-02-02T02:48:16.789012000Z' },
    ]);
    cleanup();
  });

  it('keeps local nanosecond timestamps and times exactly', async () => {
    const { file, cleanup } = freshFile('ns_local');
    const s = schema([field('ts', t.timestamp('ns', false)), field('tm', t.time('ns'))]);
    const r = memResults(s, [[-1n, 86_399_999_999_999n]]);
    await run(file, { results: r, table: 'nl', action: 'dropAndLoad' });
    expect(await readBack({ kind: 'duckdb', file }, { name: 'nl' }, s)).toEqual([
      { ts: '1969-12-31T23:59:59.999999999', tm: '23:59:59.999999999' },
    ]);
    cleanup();
  });

  it('keeps a decimal over 38 digits as exact text, with a warning', async () => {
    const { file, cleanup } = freshFile('dec');
    const s = schema([field('big', t.decimal(40, 2))]);
    const r = memResults(s, [[-1234567890123456789012345678901234567890n], [5n]]);
    const out = await run(file, { results: r, table: 'd', action: 'createAndLoad' });
    expect(out.warnings[0]).toMatch(/decimal\(40,2\).*VARCHAR/);
    expect(await text(file, `SELECT big FROM "${out.finalTable.name}" ORDER BY big`)).toEqual([
      ['-12345678901234567890123456789012345678.90'],
      ['0.05'],
    ]);
    cleanup();
  });

  it('a NOT NULL column refusing a NULL fails the load and changes nothing', async () => {
    const { file, cleanup } = freshFile('notnull');
    await exec(
      file,
      `CREATE TABLE n (id BIGINT NOT NULL, name VARCHAR NOT NULL); INSERT INTO n VALUES (1, 'kept')`,
    );
    const before = await snapshotFile(file);
    const r = memResults(schema([field('id', t.int64(), false), field('name', t.string())]), [
      [2n, 'x'],
      [3n, null],
    ]);
    for (const action of ['load', 'truncateAndLoad'] as const) {
      const e = await failure(run(file, { results: r, table: 'n', action }));
      expect(e.code).toBe('TARGET_REJECTED');
      expect(e.message).toMatch(/NOT NULL/);
      expect(await snapshotFile(file)).toEqual(before);
    }
    cleanup();
  });

  it('publishes into another schema, from path or from schema.table', async () => {
    const { file, cleanup } = freshFile('schema');
    await exec(file, 'CREATE SCHEMA sales');
    const s = schema([field('id', t.int32())]);
    const r = memResults(s, [[1]]);
    await run(file, { results: r, table: 'a', action: 'dropAndLoad', path: ['sales'] });
    await run(file, { results: r, table: 'sales.b', action: 'dropAndLoad' });
    expect(
      await text(file, `SELECT table_schema, table_name FROM information_schema.tables ORDER BY 2`),
    ).toEqual([
      ['sales', 'a'],
      ['sales', 'b'],
    ]);
    const e = await failure(run(file, { results: r, table: 'c', action: 'dropAndLoad', path: ['nowhere'] }));
    expect(e.code).toBe('TARGET_REJECTED');
    expect(e.message).toMatch(/nowhere/);
    cleanup();
  });
});
