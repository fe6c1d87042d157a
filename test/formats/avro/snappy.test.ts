import { describe, expect, it } from 'vitest';
import { crc32, snappyUncompress } from '../../../src/formats/avro/snappy.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('snappyUncompress', () => {
  it('expands literals and the three copy forms, overlapping copies included', () => {
    // "abcd" literal, then copy1 (len 8, offset 4), copy2 (len 3, offset 12), copy4 (len 2, offset 1).
    const src = Uint8Array.from([
      17,
      (4 - 1) << 2,
      ...ascii('abcd'),
      0b000_100_01,
      4,
      ((3 - 1) << 2) | 2,
      12,
      0,
      ((2 - 1) << 2) | 3,
      1,
      0,
      0,
      0,
    ]);
    expect(text(snappyUncompress(src))).toBe('abcdabcdabcdabccc');
  });

  it('reads long literals with extra length bytes', () => {
    const body = 'x'.repeat(100);
    const src = Uint8Array.from([100, 60 << 2, 99, ...ascii(body)]);
    expect(text(snappyUncompress(src))).toBe(body);
  });

  it('refuses corrupt data instead of reading out of bounds', () => {
    expect(() => snappyUncompress(Uint8Array.from([4, 0b000_000_01, 1]))).toThrow('points before the output');
    expect(() => snappyUncompress(Uint8Array.from([5, 0, 0x61]))).toThrow('holds 1 bytes, its header says 5');
    expect(() => snappyUncompress(Uint8Array.from([2, 8, 0x61]))).toThrow('runs past');
    expect(() => snappyUncompress(Uint8Array.from([0xff, 0xff, 0xff, 0x7f, 0]))).toThrow('impossible');
    expect(() => snappyUncompress(new Uint8Array(0))).toThrow('length header');
  });
});

describe('crc32', () => {
  it('is the IEEE CRC-32 of java.util.zip', () => {
    expect(crc32(Uint8Array.from(ascii('123456789')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
