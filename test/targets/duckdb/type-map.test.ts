import {
  DECIMAL,
  DuckDBBigIntType,
  DuckDBIntegerType,
  DuckDBTimestampTZType,
  DuckDBVarCharType,
  INTERVAL,
  LIST,
  MAP,
  STRUCT,
  TIMESTAMP_S,
  VARCHAR,
} from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { field, formatType, t } from '../../../src/domain/schema/index.js';
import { columnType } from '../../../src/targets/duckdb/introspect.js';
import { mapDuckdbType } from '../../../src/targets/duckdb/type-map.js';

describe('duckdb type map (publishing.md section 2)', () => {
  it.each([
    [t.boolean(), 'BOOLEAN'],
    [t.int8(), 'TINYINT'],
    [t.int16(), 'SMALLINT'],
    [t.int32(), 'INTEGER'],
    [t.int64(), 'BIGINT'],
    [t.int(8, false), 'UTINYINT'],
    [t.int(16, false), 'USMALLINT'],
    [t.int(32, false), 'UINTEGER'],
    [t.int(64, false), 'UBIGINT'],
    [t.float(), 'FLOAT'],
    [t.double(), 'DOUBLE'],
    [t.decimal(38, 10), 'DECIMAL(38,10)'],
    [t.decimal(1, 0), 'DECIMAL(1,0)'],
    [t.string(), 'VARCHAR'],
    [t.binary(), 'BLOB'],
    [t.date(), 'DATE'],
    [t.time('ms'), 'TIME'],
    [t.time('us'), 'TIME'],
    [t.time('ns'), 'TIME_NS'],
    [t.timestamp('ms', false), 'TIMESTAMP'],
    [t.timestamp('us', false), 'TIMESTAMP'],
    [t.timestamp('ns', false), 'TIMESTAMP_NS'],
    [t.timestamp('ms', true), 'TIMESTAMPTZ'],
    [t.timestamp('us', true), 'TIMESTAMPTZ'],
    [t.uuid(), 'UUID'],
    [t.list(t.int32()), 'INTEGER[]'],
    [t.list(t.list(t.string())), 'VARCHAR[][]'],
    [t.struct([field('a', t.int64()), field('b "q"', t.string())]), 'STRUCT("a" BIGINT, "b ""q""" VARCHAR)'],
    [t.map(t.string(), t.decimal(9, 2)), 'MAP(VARCHAR, DECIMAL(9,2))'],
  ])('%o → %s', (type, expected) => {
    expect(mapDuckdbType(type)).toEqual({ ok: true, sqlType: expected });
  });

  it('keeps a decimal over 38 digits as VARCHAR text, with a warning', () => {
    const m = mapDuckdbType(t.decimal(40, 2));
    expect(m).toMatchObject({ ok: true, sqlType: 'VARCHAR' });
    expect(m.ok && m.warning).toMatch(/38 digits/);
  });

  it('maps ns UTC instants to TIMESTAMPTZ with a warning (sub-µs values fail by row)', () => {
    const m = mapDuckdbType(t.timestamp('ns', true));
    expect(m).toMatchObject({ ok: true, sqlType: 'TIMESTAMPTZ' });
    expect(m.ok && m.warning).toMatch(/microseconds/);
    expect(mapDuckdbType(t.list(t.timestamp('ns', true)))).toMatchObject({
      ok: true,
      sqlType: 'TIMESTAMPTZ[]',
    });
  });

  it('refuses structs DuckDB cannot hold', () => {
    expect(mapDuckdbType(t.struct([]))).toMatchObject({ ok: false });
    expect(mapDuckdbType(t.struct([field('A', t.int32()), field('a', t.int32())]))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/case/),
    });
  });
});

describe('duckdb introspection: DuckDB types in logical terms', () => {
  it.each([
    [DuckDBIntegerType.instance, 'int32'],
    [DuckDBBigIntType.instance, 'int64'],
    [DECIMAL(18, 4), 'decimal(18,4)'],
    [VARCHAR, 'string'],
    [DuckDBTimestampTZType.instance, 'timestamp(us, utc)'],
    [LIST(DuckDBIntegerType.instance), 'list<int32>'],
    [STRUCT({ a: DuckDBIntegerType.instance, 'B c': LIST(VARCHAR) }), 'struct<a: int32, B c: list<string>>'],
    [MAP(VARCHAR, DECIMAL(9, 2)), 'map<string, decimal(9,2)>'],
  ])('%s → %s', (duck, logical) => {
    const c = columnType(duck);
    expect(c.kind === 'unknown' || c.kind === 'json' ? c : formatType(c)).toBe(logical);
  });

  it('reads the JSON alias of VARCHAR as json', () => {
    expect(columnType(new DuckDBVarCharType('JSON'))).toEqual({ kind: 'json' });
  });

  it('calls types without a logical twin unknown, with their DuckDB spelling', () => {
    expect(columnType(INTERVAL)).toEqual({ kind: 'unknown', name: 'INTERVAL' });
    expect(columnType(TIMESTAMP_S)).toEqual({ kind: 'unknown', name: 'TIMESTAMP_S' });
    expect(columnType(LIST(INTERVAL))).toEqual({ kind: 'unknown', name: 'INTERVAL[]' });
  });
});
