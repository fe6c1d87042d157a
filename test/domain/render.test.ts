import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  field,
  renderDate,
  renderDecimal,
  renderFloat,
  renderTimeOfDay,
  renderTimestamp,
  renderValue,
  t,
} from '../../src/domain/schema/index.js';

describe('canonical rendering', () => {
  it('decimals keep every digit and exactly the scale', () => {
    expect(renderDecimal(12345n, 2)).toBe('123.45');
    expect(renderDecimal(-5n, 3)).toBe('-0.005');
    expect(renderDecimal(0n, 4)).toBe('0.0000');
    expect(renderDecimal(42n, 0)).toBe('42');
    const max38 = 10n ** 38n - 1n;
    expect(renderDecimal(max38, 10)).toBe('9999999999999999999999999999.9999999999');
    expect(renderDecimal(-max38, 10)).toBe('-9999999999999999999999999999.9999999999');
  });

  it('floats JSON cannot hold become strings', () => {
    expect(renderFloat(Number.NaN)).toBe('NaN');
    expect(renderFloat(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(renderFloat(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(renderFloat(-0)).toBe('-0');
    expect(renderFloat(1.5)).toBe(1.5);
  });

  it('dates round-trip through days over a wide range, including before 1970 and leap days', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [1900, 3, 1],
      [1, 1, 1],
      [9999, 12, 31],
      [1582, 10, 4],
    ] as const) {
      const days = daysFromCivil(y, m, d);
      expect(civilFromDays(days)).toEqual({ year: y, month: m, day: d });
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(renderDate(-1)).toBe('1969-12-31');
    expect(renderDate(2932896)).toBe('9999-12-31');
    expect(renderDate(2932897)).toBe('+010000-01-01');
  });

  it('timestamps keep the full fraction of their unit, floor before 1970, and mark UTC', () => {
    expect(renderTimestamp(0n, 'ms', true)).toBe('1970-01-01T00:00:00.000Z');
    expect(renderTimestamp(-1n, 'us', false)).toBe('1969-12-31T23:59:59.999999');
    expect(renderTimestamp(1_700_000_000_123_456_789n, 'ns', true)).toBe('2023-11-14T22:13:20.123456789Z');
    expect(renderTimestamp(-62135596800000000n, 'us', false)).toBe('0001-01-01T00:00:00.000000');
    expect(renderTimeOfDay(86_399_999_999n, 'us')).toBe('23:59:59.999999');
    expect(renderTimeOfDay(1n, 'ns')).toBe('00:00:00.000000001');
  });

  it('nested values render by their types', () => {
    const type = t.list(
      t.struct([
        field('a', t.int64()),
        field('b', t.map(t.string(), t.binary())),
        field('__proto__', t.date()),
      ]),
    );
    const v = [[9007199254740993n, [['k', new Uint8Array([0, 255])]], 0], null];
    expect(renderValue(type, v)).toEqual([
      JSON.parse('{"a":"9007199254740993","b":[{"key":"k","value":"AP8="}],"__proto__":"1970-01-01"}'),
      null,
    ]);
    expect(renderValue(t.int(64, false), 18446744073709551615n)).toBe('18446744073709551615');
    expect(renderValue(t.int8(), -128)).toBe(-128);
    expect(renderValue(t.string(), null)).toBeNull();
  });
});
