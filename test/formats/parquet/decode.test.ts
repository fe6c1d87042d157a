import { describe, expect, it } from 'vitest';
import { convert } from '../../../src/formats/parquet/convert.js';
import { readHybrid } from '../../../src/formats/parquet/encodings.js';
import { materialize } from '../../../src/formats/parquet/runs.js';
import { readStruct, ThriftEndOfInput } from '../../../src/formats/parquet/thrift.js';

/** Decoding paths that pyarrow-written files do not reach. */
function bytesOf(values: Uint8Array[]) {
  const data = new Uint8Array(values.reduce((n, v) => n + v.length, 0));
  const starts = new Int32Array(values.length);
  const ends = new Int32Array(values.length);
  let at = 0;
  values.forEach((v, i) => {
    data.set(v, at);
    starts[i] = at;
    at += v.length;
    ends[i] = at;
  });
  return { kind: 'bytes' as const, v: { data, starts, ends } };
}

/** Big-endian two's complement of `n` in `width` bytes, computed independently of the reader. */
function twos(n: bigint, width: number): Uint8Array {
  let u = BigInt.asUintN(width * 8, n);
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}

describe('parquet decimals stored as BYTE_ARRAY (variable width, which pyarrow never writes)', () => {
  const cases: [bigint, number][] = [
    [0n, 1],
    [-1n, 1],
    [127n, 1],
    [-128n, 1],
    [123456n, 3],
    [-(2n ** 47n), 6],
    [2n ** 55n - 1n, 7],
    [-(10n ** 18n), 8],
    [10n ** 20n + 7n, 9],
    [-(10n ** 38n) + 1n, 16],
    [10n ** 40n, 17],
  ];
  it('turns every width into the exact unscaled bigint', () => {
    const out = materialize(convert('decimal-bytes', bytesOf(cases.map(([n, w]) => twos(n, w)))));
    expect(Array.from(out)).toEqual(cases.map(([n]) => n));
  });

  it('reads a zero-length value as 0 and eight-byte values through the fast path', () => {
    const out = materialize(convert('decimal-bytes', bytesOf([new Uint8Array(0)])));
    expect(Array.from(out)).toEqual([0n]);
    const eight = materialize(convert('decimal-bytes', bytesOf([twos(-5n, 8), twos(2n ** 62n, 8)])));
    expect(Array.from(eight)).toEqual([-5n, 2n ** 62n]);
  });
});

describe('parquet small decoders', () => {
  it('formats UUIDs lower-case 8-4-4-4-12', () => {
    const b = Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 0xff]);
    expect(materialize(convert('uuid', bytesOf([b])))).toEqual(['12345678-9abc-def0-0102-0304050607ff']);
  });

  it('decodes an ASCII page once, and UTF-8 text per value when a page is not all ASCII', () => {
    const ascii = convert('string', bytesOf(['a', '', 'bc'].map((s) => new TextEncoder().encode(s))));
    expect(ascii.kind === 'text' && ascii.ascii).toBe('abc');
    expect(materialize(ascii)).toEqual(['a', '', 'bc']);
    const enc = new TextEncoder();
    const run = convert('string', bytesOf(['plain', 'héllo', '😀', ''].map((s) => enc.encode(s))));
    expect(run.kind === 'text' && run.ascii).toBe(null);
    expect(materialize(run)).toEqual(['plain', 'héllo', '😀', '']);
  });

  it('reads RLE runs and bit-packed groups of the hybrid encoding', () => {
    // RLE run of 3 × 5 (header 3<<1, value byte), then one bit-packed group of 8 three-bit values 0..7.
    const buf = Uint8Array.from([0x06, 0x05, 0x03, 0x88, 0xc6, 0xfa]);
    const out = new Int32Array(11);
    expect(readHybrid(buf, 0, buf.length, 3, 11, out)).toBe(6);
    expect(Array.from(out)).toEqual([5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('signals a page header cut short so the chunk reader can fetch more', () => {
    // struct { 1: i32 = 3, 2: i32 = 100 } and its stop byte, cut before the end.
    const whole = Uint8Array.from([0x15, 0x06, 0x15, 0xc8, 0x01, 0x00]);
    expect(readStruct(whole, 0).value).toEqual({ 1: 3, 2: 100 });
    expect(() => readStruct(whole.subarray(0, 4), 0)).toThrow(ThriftEndOfInput);
  });
});
