import { describe, expect, it } from 'vitest';
import { type LogicalType, renderValue, t, type Value } from '../../../src/domain/schema/index.js';
import { converterFor } from '../../../src/formats/csv/convert.js';
import { decimalKey } from '../../../src/formats/csv/lexical.js';

/** Converts text the way the second pass does: a range inside a longer text. */
function convert(type: LogicalType, text: string): Value | undefined {
  return converterFor(type)(`|${text}|`, 1, text.length + 1);
}

const rendered = (type: LogicalType, text: string) => {
  const v = convert(type, text);
  return v === undefined ? undefined : renderValue(type, v);
};

describe('CSV value conversion', () => {
  it('converts int64 exactly, short and long', () => {
    expect(convert(t.int64(), '0')).toBe(0n);
    expect(convert(t.int64(), '-0')).toBe(0n);
    expect(convert(t.int64(), '+42')).toBe(42n);
    expect(convert(t.int64(), '999999999999999')).toBe(999999999999999n);
    expect(convert(t.int64(), '9007199254740993')).toBe(9007199254740993n);
    expect(convert(t.int64(), '-9223372036854775808')).toBe(-(2n ** 63n));
    expect(convert(t.int64(), '9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(convert(t.int64(), '9223372036854775808')).toBeUndefined();
    expect(convert(t.int64(), '1.5')).toBeUndefined();
  });

  it('converts decimals to the unscaled value at the column scale', () => {
    const d = t.decimal(7, 3);
    expect(convert(d, '1.5')).toBe(1500n);
    expect(convert(d, '-1.5')).toBe(-1500n);
    expect(convert(d, '.5')).toBe(500n);
    expect(convert(d, '-.5')).toBe(-500n);
    expect(convert(d, '5.')).toBe(5000n);
    expect(convert(d, '1234')).toBe(1234000n);
    expect(convert(d, '0.001')).toBe(1n);
    expect(convert(d, '12345')).toBeUndefined(); // 5 integer digits do not fit decimal(7,3)
    expect(convert(d, '0.0001')).toBeUndefined(); // nor 4 fraction digits
    const wide = t.decimal(38, 10);
    expect(rendered(wide, '-1234567890123456789012345678.1234567890')).toBe(
      '-1234567890123456789012345678.1234567890',
    );
    expect(rendered(wide, '99999999.9')).toBe('99999999.9000000000');
    expect(convert(t.decimal(25, 0), '-1234567890123456789012345')).toBe(-1234567890123456789012345n);
  });

  it('converts doubles exactly, names included', () => {
    expect(convert(t.double(), '0.1')).toBe(0.1);
    expect(convert(t.double(), '-2.5e-3')).toBe(-0.0025);
    expect(convert(t.double(), '0.30000000000000004')).toBe(0.30000000000000004);
    expect(convert(t.double(), '123456789012345')).toBe(123456789012345);
    expect(convert(t.double(), '1.7976931348623157e308')).toBe(1.7976931348623157e308);
    expect(convert(t.double(), '5e-324')).toBe(5e-324);
    expect(Object.is(convert(t.double(), '-0.0'), -0)).toBe(true);
    expect(convert(t.double(), 'NaN')).toBeNaN();
    expect(convert(t.double(), '-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(convert(t.double(), 'Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(convert(t.double(), '9007199254740993')).toBeUndefined();
    expect(convert(t.double(), 'abc')).toBeUndefined();
  });

  it('converts booleans, dates and strings', () => {
    expect(convert(t.boolean(), 'TRUE')).toBe(true);
    expect(convert(t.boolean(), 'false')).toBe(false);
    expect(convert(t.boolean(), '1')).toBeUndefined();
    expect(convert(t.date(), '1970-01-01')).toBe(0);
    expect(convert(t.date(), '1969-12-31')).toBe(-1);
    expect(rendered(t.date(), '0001-01-01')).toBe('0001-01-01');
    expect(rendered(t.date(), '2024-02-29')).toBe('2024-02-29');
    expect(convert(t.date(), '2023-02-29')).toBeUndefined();
    expect(convert(t.string(), 'a "b", c')).toBe('a "b", c');
  });

  it('converts timestamps in their unit, offsets applied, before 1970 too', () => {
    const us = t.timestamp('us', false);
    expect(convert(us, '1970-01-01T00:00:00.000001')).toBe(1n);
    expect(convert(us, '1969-12-31T23:59:59.999999')).toBe(-1n);
    expect(rendered(us, '1900-01-01 12:34:56.5')).toBe('1900-01-01T12:34:56.500000');
    expect(convert(us, '1970-01-01T00:00:00.1234567')).toBeUndefined(); // more digits than the unit
    expect(convert(us, '1970-01-01T00:00:00Z')).toBeUndefined(); // zoned in a wall-clock column
    const utcNs = t.timestamp('ns', true);
    expect(convert(utcNs, '1970-01-01T05:30:00.000000001+05:30')).toBe(1n);
    expect(convert(utcNs, '1969-12-31T23:59:59.999999999Z')).toBe(-1n);
    expect(rendered(utcNs, '2024-06-30 12:00:00.25-08:00')).toBe('2024-06-30T20:00:00.250000000Z');
    expect(convert(utcNs, '2024-06-30T12:00:00')).toBeUndefined();
  });
});

describe('decimalKey', () => {
  it('gives equal keys to equal numbers however written', () => {
    const same = [
      ['1e+21', '1000000000000000000000'],
      ['0.5', '5e-1'],
      ['-0.00120', '-1.2E-3'],
      ['0', '-0.000'],
    ];
    for (const [a, b] of same) expect(decimalKey(a!)).toBe(decimalKey(b!));
    expect(decimalKey('0.1')).not.toBe(decimalKey('0.10000000000000001'));
    expect(decimalKey('12')).not.toBe(decimalKey('-12'));
  });
});
