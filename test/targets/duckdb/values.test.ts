import {
  BIGINT,
  DATE,
  DECIMAL,
  DuckDBDecimalValue,
  type DuckDBListValue,
  type DuckDBMapValue,
  type DuckDBStructValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  type DuckDBUUIDValue,
  HUGEINT,
  INTEGER,
  LIST,
  MAP,
  STRUCT,
  TIME,
  TIMESTAMP,
  TIMESTAMP_NS,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
} from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { field, t } from '../../../src/domain/schema/index.js';
import { resolveDuckdbTable } from '../../../src/targets/duckdb/target.js';
import { encoderFor } from '../../../src/targets/duckdb/values.js';

describe('duckdb appender values', () => {
  it('writes each logical value as the typed DuckDB value of its column', () => {
    expect(encoderFor(t.int32(), INTEGER, 'c')(7, 0)).toBe(7);
    expect(encoderFor(t.int32(), BIGINT, 'c')(7, 0)).toBe(7n);
    expect(encoderFor(t.int64(), HUGEINT, 'c')(-5n, 0)).toBe(-5n);
    expect(encoderFor(t.decimal(9, 2), DECIMAL(18, 4), 'c')(-12345n, 0)).toEqual(
      new DuckDBDecimalValue(-1234500n, 18, 4),
    );
    expect(encoderFor(t.int32(), DECIMAL(12, 2), 'c')(3, 0)).toEqual(new DuckDBDecimalValue(300n, 12, 2));
    expect(encoderFor(t.timestamp('ms', true), TIMESTAMPTZ, 'c')(-1n, 0)).toEqual(
      new DuckDBTimestampTZValue(-1000n),
    );
    expect(encoderFor(t.timestamp('us', false), TIMESTAMP_NS, 'c')(2n, 0)).toEqual(
      new DuckDBTimestampNanosecondsValue(2000n),
    );
    expect(encoderFor(t.date(), TIMESTAMP, 'c')(1, 0)).toEqual(new DuckDBTimestampValue(86_400_000_000n));
    expect(encoderFor(t.time('ns'), TIME, 'c')(5000n, 0)).toEqual(new DuckDBTimeValue(5n));
    expect(encoderFor(t.date(), DATE, 'c')(-1, 0)).toMatchObject({ days: -1 });
    expect(
      (
        encoderFor(t.uuid(), UUID, 'c')('f6c5f350-2102-11e9-bb80-9faf7b15f235', 0) as DuckDBUUIDValue
      ).toString(),
    ).toBe('f6c5f350-2102-11e9-bb80-9faf7b15f235');
    expect(encoderFor(t.int32(), INTEGER, 'c')(null, 0)).toBeNull();
  });

  it('writes text for a VARCHAR column: every digit, ISO times, JSON for nested values', () => {
    expect(encoderFor(t.decimal(40, 2), VARCHAR, 'c')(-5n, 0)).toBe('-0.05');
    expect(encoderFor(t.int64(), VARCHAR, 'c')(9007199254740993n, 0)).toBe('9007199254740993');
    expect(encoderFor(t.timestamp('ns', true), VARCHAR, 'c')(1n, 0)).toBe('1970-01-01 00:00:00.000000001+00');
    expect(encoderFor(t.list(t.int64()), VARCHAR, 'c')([1n, null], 0)).toBe('[1,null]');
  });

  it('builds nested values child by child', () => {
    const list = encoderFor(
      t.list(t.decimal(5, 1)),
      LIST(DECIMAL(5, 1)),
      'c',
    )([15n, null], 0) as DuckDBListValue;
    expect(list.items).toEqual([new DuckDBDecimalValue(15n, 5, 1), null]);
    const st = encoderFor(
      t.struct([field('a', t.int32()), field('b', t.string())]),
      STRUCT({ a: INTEGER, b: VARCHAR }),
      'c',
    )([1, null], 0) as DuckDBStructValue;
    expect(st.entries).toEqual({ a: 1, b: null });
    const m = encoderFor(
      t.map(t.string(), t.int64()),
      MAP(VARCHAR, BIGINT),
      'c',
    )([['k', 1n]], 0) as DuckDBMapValue;
    expect(m.entries).toEqual([{ key: 'k', value: 1n }]);
  });

  it('refuses by value what the column cannot keep, naming column and row', () => {
    expect(() => encoderFor(t.timestamp('ns', true), TIMESTAMPTZ, 'ts')(1_000_001n, 4)).toThrow(
      /row 5: column "ts": value has digits finer than a microsecond/,
    );
    expect(() => encoderFor(t.decimal(9, 0), DECIMAL(4, 0), 'd')(12345n, 0)).toThrow(
      /more digits than DECIMAL\(4,0\)/,
    );
    expect(() => encoderFor(t.string(), INTEGER, 's')).toThrow(
      /cannot write string values into a DuckDB INTEGER/,
    );
  });
});

describe('duckdb resolveTable', () => {
  it('takes the schema from the last path element, else main; schema.table overrides', () => {
    expect(resolveDuckdbTable([], 't')).toEqual({ namespace: 'main', name: 't' });
    expect(resolveDuckdbTable(['sales'], 't')).toEqual({ namespace: 'sales', name: 't' });
    expect(resolveDuckdbTable(['db', 'sales'], 't')).toEqual({ namespace: 'sales', name: 't' });
    expect(resolveDuckdbTable(['sales'], 'hr.t')).toEqual({ namespace: 'hr', name: 't' });
    expect(resolveDuckdbTable(['sales'], '.t')).toEqual({ namespace: 'sales', name: '.t' });
  });
});
