import { describe, expect, it } from 'vitest';
import { AvroDecodeError, Cursor, Overrun, twosComplement } from '../../../src/formats/avro/cursor.js';
import { concat, str, zigzag } from './avro-bytes.js';

const cursor = (...parts: (Uint8Array | number[])[]) => new Cursor(concat(...parts));

describe('Cursor', () => {
  // Around every varint length, and around the float / bigint boundary of Cursor.long (2^52 before zigzag).
  const longs = [0n, 1n, -1n, 63n, -64n, 64n, -65n, 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 48n - 1n, 2n ** 48n];
  longs.push(
    -(2n ** 48n),
    -(2n ** 48n) - 1n,
    2n ** 53n + 1n,
    -(2n ** 53n) - 1n,
    2n ** 62n,
    -(2n ** 63n),
    2n ** 63n - 1n,
  );
  it.each(longs.map((v) => [v]))('long %s round-trips', (v) => {
    const c = cursor(zigzag(v), [0x7f]);
    expect(c.long()).toBe(v);
    expect(c.remaining).toBe(1);
  });

  it('reads ints across the int32 range and refuses wider ones', () => {
    for (const v of [0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 123456, -654321])
      expect(cursor(zigzag(v)).int()).toBe(v);
    expect(() => cursor(zigzag(2 ** 31)).int()).toThrow('does not fit in 32 bits');
    expect(() => cursor([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).int()).toThrow(AvroDecodeError);
  });

  it('refuses a long varint of more than 10 bytes or 64 bits', () => {
    expect(() => cursor(new Array(10).fill(0xff), [0x01]).long()).toThrow(AvroDecodeError);
    expect(() => cursor(new Array(9).fill(0xff), [0x02]).long()).toThrow('does not fit in 64 bits');
  });

  it('reads lengths and counts as exact numbers up to 2^52 and refuses more', () => {
    expect(cursor(zigzag(2 ** 52 - 1)).longNumber()).toBe(2 ** 52 - 1);
    expect(cursor(zigzag(-(2 ** 52))).longNumber()).toBe(-(2 ** 52));
    expect(() => cursor(zigzag(2 ** 52)).longNumber()).toThrow('larger than 2^52');
  });

  it('decodes ASCII and multi-byte strings, and refuses invalid UTF-8', () => {
    for (const s of [
      '',
      'a',
      'x'.repeat(24),
      'x'.repeat(25),
      'é',
      'tab\there',
      '中文😀',
      `${'a'.repeat(23)}é`,
    ]) {
      expect(cursor(str(s)).string()).toBe(s);
    }
    expect(() => cursor([0x04, 0xc3, 0x28]).string()).toThrow('not valid UTF-8');
  });

  it('throws an Overrun, never reads past the end', () => {
    expect(() => cursor([0x0a, 0x61]).string()).toThrow(Overrun);
    expect(() => cursor([1, 2, 3]).double()).toThrow(Overrun);
    expect(() => cursor([0x80]).long()).toThrow(Overrun);
    const c = new Cursor(Uint8Array.from([0x02, 0x61, 0x02, 0x62]), 0, 2);
    expect(c.string()).toBe('a');
    expect(() => c.string()).toThrow(Overrun);
  });

  it('reads little-endian floats and doubles, NaN and infinities included', () => {
    const b = new Uint8Array(12);
    const v = new DataView(b.buffer);
    v.setFloat32(0, Number.NEGATIVE_INFINITY, true);
    v.setFloat64(4, Number.NaN, true);
    const c = new Cursor(b);
    expect(c.float()).toBe(Number.NEGATIVE_INFINITY);
    expect(c.double()).toBeNaN();
  });
});

describe('twosComplement', () => {
  const reference = (b: Uint8Array) =>
    BigInt.asIntN(
      8 * b.length,
      b.reduce((n, x) => (n << 8n) | BigInt(x), 0n),
    );
  it('matches a reference on every length and sign boundary', () => {
    expect(twosComplement(new Uint8Array(0))).toBe(0n);
    for (let len = 1; len <= 17; len++) {
      for (const first of [0x00, 0x01, 0x7f, 0x80, 0x81, 0xff]) {
        for (const rest of [0x00, 0xff, 0x5a]) {
          const b = Uint8Array.from({ length: len }, (_, i) => (i === 0 ? first : rest));
          expect(twosComplement(b), `${len} bytes ${first}/${rest}`).toBe(reference(b));
        }
      }
    }
  });
});
