import { describe, expect, it } from 'vitest';
import { completeUtf8Length, firstInvalidUtf8, lineFeedsIn } from '../../../src/formats/csv/utf8.js';

const valid = (b: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

/** A little LCG, so the random bytes are the same on every run. */
function bytes(seed: number, n: number): Uint8Array {
  let s = seed;
  const pool = [
    0x41, 0x0a, 0x7f, 0x80, 0xbf, 0xc2, 0xc0, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xef, 0xf0, 0x90, 0xf4, 0x8f,
    0xff,
  ];
  return Uint8Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return pool[s % pool.length]!;
  });
}

describe('UTF-8 helpers', () => {
  it('find the first invalid byte exactly where TextDecoder starts to refuse', () => {
    for (let seed = 1; seed < 3000; seed++) {
      const b = bytes(seed, 1 + (seed % 9));
      const at = firstInvalidUtf8(b);
      const whole = completeUtf8Length(b);
      if (at < 0) {
        // Valid so far: the complete part decodes, and what is cut off is the start of one character.
        expect(valid(b.subarray(0, whole)), `seed ${seed}`).toBe(true);
        expect(b.length - whole).toBeLessThan(4);
      } else {
        expect(valid(b.subarray(0, at)), `seed ${seed}`).toBe(true);
        expect(valid(b.subarray(0, Math.min(b.length, at + 4))), `seed ${seed}`).toBe(false);
      }
    }
  });

  it('keep back only the bytes of a character cut at the end', () => {
    const e = new TextEncoder().encode('a😀');
    expect([1, 2, 3, 4, 5].map((n) => completeUtf8Length(e.subarray(0, n)))).toEqual([1, 1, 1, 1, 5]);
    expect(completeUtf8Length(new Uint8Array([0x41, 0xff]))).toBe(2); // invalid bytes are left for the decoder
  });

  it('count line feeds before an offset', () => {
    const b = new TextEncoder().encode('a\nb\nc\n');
    expect(lineFeedsIn(b, 0)).toBe(0);
    expect(lineFeedsIn(b, 2)).toBe(1);
    expect(lineFeedsIn(b, 6)).toBe(3);
  });
});
