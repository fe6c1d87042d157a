import { describe, expect, it } from 'vitest';
import { fits, integerDigits } from '../../src/domain/schema/compat.js';
import { field, t } from '../../src/domain/schema/index.js';

const ok = (a: Parameters<typeof fits>[0], b: Parameters<typeof fits>[1]) => fits(a, b).ok;

describe('compatibility of results types with existing columns', () => {
  it('integers widen, never narrow, and respect signedness', () => {
    expect(ok(t.int32(), t.int64())).toBe(true);
    expect(ok(t.int64(), t.int32())).toBe(false);
    expect(ok(t.int(32, false), t.int64())).toBe(true);
    expect(ok(t.int(64, false), t.int64())).toBe(false);
    expect(ok(t.int32(), t.int(64, false))).toBe(false);
    expect(ok(t.int(8, false), t.int(16, false))).toBe(true);
  });

  it('integers into decimals need enough integer digits; into floats only when exact', () => {
    expect(integerDigits(64, true)).toBe(19);
    expect(integerDigits(64, false)).toBe(20);
    expect(ok(t.int64(), t.decimal(19, 0))).toBe(true);
    expect(ok(t.int64(), t.decimal(20, 2))).toBe(false);
    expect(ok(t.int32(), t.double())).toBe(true);
    expect(ok(t.int64(), t.double())).toBe(false);
    expect(ok(t.int16(), t.float())).toBe(true);
  });

  it('decimals keep scale and integer digits', () => {
    expect(ok(t.decimal(18, 4), t.decimal(20, 4))).toBe(true);
    expect(ok(t.decimal(18, 4), t.decimal(10, 2))).toBe(false);
    expect(ok(t.decimal(10, 2), t.decimal(11, 4))).toBe(false);
    expect(ok(t.decimal(10, 2), t.decimal(12, 4))).toBe(true);
    expect(ok(t.decimal(10, 2), t.double())).toBe(false);
  });

  it('anything goes into text; text goes nowhere else', () => {
    for (const s of [t.int64(), t.decimal(38, 10), t.timestamp('ns', true), t.list(t.int32()), t.binary()]) {
      expect(ok(s, t.string())).toBe(true);
    }
    expect(ok(t.string(), t.int64())).toBe(false);
    expect(ok(t.string(), { kind: 'json' })).toBe(false);
    expect(ok(t.struct([]), { kind: 'json' })).toBe(true);
    expect(ok(t.list(t.string(), false), t.list(t.string()))).toBe(true);
    expect(ok(t.list(t.string()), t.list(t.string(), false))).toBe(false);
    expect(ok(t.list(t.int32()), t.list(t.int64()))).toBe(true);
    expect(ok(t.list(t.int64()), t.list(t.int32()))).toBe(false);
    const when = (unit: 'ms' | 'us') =>
      t.struct([field('when', t.timestamp(unit, true)), field('n', t.int32())]);
    expect(ok(when('ms'), when('us'))).toBe(true);
    expect(ok(when('us'), when('ms'))).toBe(false);
    expect(ok(when('ms'), t.struct([field('n', t.int32()), field('when', t.timestamp('us', true))]))).toBe(
      false,
    );
    expect(ok(t.map(t.string(), t.decimal(6, 2)), t.map(t.string(), t.decimal(8, 2)))).toBe(true);
  });

  it('time units must not get coarser; a UTC difference is a warning', () => {
    expect(fits(t.timestamp('ns', true), t.timestamp('us', true))).toEqual({
      ok: true,
      warning: 'the column keeps microseconds: a value with nanosecond digits fails the load',
    });
    expect(ok(t.timestamp('us', true), t.timestamp('ms', true))).toBe(false);
    expect(ok(t.time('ns'), t.time('us'))).toBe(true);
    expect(ok(t.timestamp('ms', true), t.timestamp('us', true))).toBe(true);
    expect(fits(t.timestamp('us', true), t.timestamp('us', false))).toEqual({
      ok: true,
      warning: 'UTC instants are stored as UTC wall-clock time in a column without time zone',
    });
    expect(ok(t.date(), t.timestamp('us', false))).toBe(true);
    expect(ok(t.timestamp('us', false), t.date())).toBe(false);
    expect(fits(t.int32(), { kind: 'unknown', name: 'geometry' })).toEqual({
      ok: false,
      reason: 'jobpub cannot check a column of type geometry',
    });
  });
});
