import { describe, expect, it } from 'vitest';
import { formatType } from '../../../src/domain/schema/index.js';
import {
  needsRecheck,
  newColumn,
  observe,
  observeNull,
  recheck,
  rechecked,
  resolve,
} from '../../../src/formats/csv/infer.js';

/** The printed type (and ` null` when nullable) of a column holding these values; null is a NULL field. */
function infer(...values: (string | null)[]): string {
  const col = newColumn();
  for (const v of values) {
    if (v === null) observeNull(col);
    else observe(col, `<${v}>`, 1, v.length + 1); // a range inside a longer text, as the parser hands it
  }
  if (needsRecheck(col)) {
    for (const v of values) if (v !== null) recheck(col, v, 0, v.length);
    rechecked(col);
  }
  const { type, nullable } = resolve(col);
  return formatType(type) + (nullable ? ' null' : '');
}

describe('CSV type inference', () => {
  it('types a column with no value at all as nullable string', () => {
    expect(infer()).toBe('string null');
    expect(infer(null, null)).toBe('string null');
  });

  it('is nullable exactly when a NULL was seen; an empty string is text, not NULL', () => {
    expect(infer('1', '2')).toBe('int64');
    expect(infer('1', null, '2')).toBe('int64 null');
    expect(infer('1', '', '2')).toBe('string');
  });

  it('knows booleans as true/false in any case only', () => {
    expect(infer('true', 'FALSE', 'True', 'fAlSe')).toBe('boolean');
    expect(infer('true', 'yes')).toBe('string');
    expect(infer('t', 'f')).toBe('string');
    expect(infer('0', '1')).toBe('int64');
    expect(infer('true', '1')).toBe('string');
    expect(infer('truee')).toBe('string');
  });

  it('knows int64 within range, with a sign; leading zeros make text', () => {
    expect(infer('0', '-0', '+5', '-9223372036854775808', '9223372036854775807')).toBe('int64');
    expect(infer('007')).toBe('string');
    expect(infer('1', '00')).toBe('string');
    expect(infer('00.5')).toBe('string');
    expect(infer('01e3')).toBe('string');
    expect(infer('1', '-')).toBe('string');
    expect(infer(' 1')).toBe('string');
    expect(infer('1 ')).toBe('string');
  });

  it('widens an int beyond int64 to a decimal of its digits', () => {
    expect(infer('9223372036854775808')).toBe('decimal(19,0)');
    expect(infer('-9223372036854775809', '1')).toBe('decimal(19,0)');
    expect(infer('12345678901234567890123')).toBe('decimal(23,0)');
  });

  it('sizes decimals so every value fits: most integer digits plus most fraction digits', () => {
    expect(infer('1.5', '-12.125', '123.0001')).toBe('decimal(7,4)');
    expect(infer('0.5')).toBe('decimal(1,1)');
    expect(infer('0.0')).toBe('decimal(1,1)');
    expect(infer('.5', '5.')).toBe('decimal(2,1)');
    expect(infer('1', '200', '-3', '-123.45')).toBe('decimal(5,2)');
    expect(infer('1234567890123456789012345678.1234567890')).toBe('decimal(38,10)');
    expect(infer('.')).toBe('string');
  });

  it('makes a decimal wider than 38 digits a double when every value is exact in one, else text', () => {
    expect(infer(`1${'0'.repeat(40)}`, '0.5')).toBe('double');
    expect(infer('12345678901234567890123456789012345678901')).toBe('string');
    expect(infer('0.1', `0.${'0'.repeat(40)}1`)).toBe('double');
    expect(infer('0.1234567890123456789', `1${'0'.repeat(30)}`)).toBe('string');
  });

  it('knows doubles by exponent or by name, and keeps them only when exact', () => {
    expect(infer('1e5', '-2.5E-3', '1.e2', 'NaN', 'nan', 'inf', '-Infinity', '+INF')).toBe('double');
    expect(infer('1', '0.5', '1e1')).toBe('double');
    expect(infer('0.30000000000000004', '1e0')).toBe('double');
    expect(infer('5e-324', '1.7976931348623157e308')).toBe('double');
    expect(infer('9007199254740993', '1e0')).toBe('string');
    expect(infer('1e400')).toBe('string');
    expect(infer('1e-400')).toBe('string');
    expect(infer('0.1000000000000000055511151231257827e0')).toBe('string');
    expect(infer('-nan')).toBe('string');
    expect(infer('1e')).toBe('string');
    expect(infer('e5')).toBe('string');
  });

  it('checks long numbers for exactness only once the column may become a double, then all of them', () => {
    const col = newColumn();
    const values = ['0.1000000000000000055511151231257827', '2.5', '1e0'];
    observe(col, values[0]!, 0, values[0]!.length);
    observe(col, values[1]!, 0, values[1]!.length);
    expect(needsRecheck(col)).toBe(false); // a decimal(35,34) holds them as they are
    expect(formatType(resolve(col).type)).toBe('decimal(35,34)');
    observe(col, values[2]!, 0, values[2]!.length);
    expect(needsRecheck(col)).toBe(true);
    expect(() => resolve(col)).toThrow('rechecked');
    for (const v of values) recheck(col, v, 0, v.length);
    rechecked(col);
    expect(formatType(resolve(col).type)).toBe('string');
    expect(infer('0.30000000000000004', '0.1', '1e0')).toBe('double');
    expect(infer('1.00000000000000000001', '0.1', '1e0')).toBe('string');
  });

  it('knows real calendar dates only', () => {
    expect(infer('2024-02-29', '1969-12-31', '0001-01-01', '9999-12-31', null)).toBe('date null');
    expect(infer('2023-02-29')).toBe('string');
    expect(infer('1900-02-29')).toBe('string');
    expect(infer('2000-02-29')).toBe('date');
    expect(infer('2024-13-01')).toBe('string');
    expect(infer('2024-1-01')).toBe('string');
    expect(infer('24-01-01')).toBe('string');
  });

  it('types timestamps by zone and fraction digits', () => {
    expect(infer('2024-01-01T00:00:00', '2024-01-01 00:00:00.123456')).toBe('timestamp(us)');
    expect(infer('2024-01-01T00:00:00Z', '2024-01-01 00:00:00.1+05:30', '1960-01-01T00:00:00-00:30')).toBe(
      'timestamp(us, utc)',
    );
    expect(infer('2024-01-01T00:00:00.1234567')).toBe('timestamp(ns)');
    expect(infer('2024-01-01T00:00:00.123456789Z', '2024-01-01T00:00:00Z')).toBe('timestamp(ns, utc)');
  });

  it('refuses timestamps it cannot hold exactly, and near misses', () => {
    expect(infer('2024-01-01T00:00:00Z', '2024-01-01T00:00:00')).toBe('string');
    expect(infer('1600-01-01T00:00:00', '2024-01-01T00:00:00.123456789')).toBe('string');
    expect(infer('1677-09-22T00:00:00', '2262-04-11T00:00:00.000000001')).toBe('timestamp(ns)');
    expect(infer('2024-01-01T24:00:00')).toBe('string');
    expect(infer('2024-01-01T23:59:60')).toBe('string');
    expect(infer('2024-01-01T00:00:00.')).toBe('string');
    expect(infer('2024-01-01T00:00:00.1234567890')).toBe('string');
    expect(infer('2024-01-01T00:00:00+0530')).toBe('string');
    expect(infer('2024-01-01T00:00:00+24:00')).toBe('string');
    expect(infer('2024-01-01T00:00:00z')).toBe('string');
    expect(infer('2024-01-01X00:00:00')).toBe('string');
  });

  it('joins boolean, date and timestamp only with themselves', () => {
    expect(infer('2024-01-01', '2024-01-01T00:00:00')).toBe('string');
    expect(infer('true', '2024-01-01')).toBe('string');
    expect(infer('1', '2024-01-01')).toBe('string');
    expect(infer('2024-01-01T00:00:00', '1.5')).toBe('string');
    expect(infer('1.5', 'true')).toBe('string');
  });

  it('reads every value: the last one can still make the column text', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => String(i));
    expect(infer(...values)).toBe('int64');
    expect(infer(...values, 'x')).toBe('string');
    expect(infer(...values, '0.5')).toBe('decimal(5,1)');
  });
});
