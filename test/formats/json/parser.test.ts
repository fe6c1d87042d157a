import { describe, expect, it } from 'vitest';
import { DECIMAL, EXPONENT, INT, type JsonNumber, toJsonText } from '../../../src/formats/json/json-value.js';
import { JsonSyntaxError, MAX_DEPTH } from '../../../src/formats/json/lexer.js';
import { canonicalNumber, fitsInt64, roundTripsDouble, unscaled } from '../../../src/formats/json/numbers.js';
import { JsonParser } from '../../../src/formats/json/parser.js';

const parse = (s: string) => new JsonParser().parse(s, 0, s.length);

function syntaxError(s: string): JsonSyntaxError {
  try {
    parse(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e;
    throw e;
  }
  throw new Error(`no error for ${s}`);
}

describe('JSON value parser', () => {
  it('keeps number literals as text, tagged', () => {
    const v = parse('[0, -12, 1.50, -0.001, 1E+308, 18446744073709551616]') as JsonNumber[];
    expect(v.map((n) => [n.text, n.kind, n.intDigits, n.scale])).toEqual([
      ['0', INT, 0, 0],
      ['-12', INT, 2, 0],
      ['1.50', DECIMAL, 1, 2],
      ['-0.001', DECIMAL, 0, 3],
      ['1E+308', EXPONENT, 1, 0],
      ['18446744073709551616', INT, 20, 0],
    ]);
  });

  it('keeps key order (integer-like keys too) and the last of repeated keys', () => {
    const v = parse('{"b":1,"2":true,"a":null,"b":"x"}') as Map<string, unknown>;
    expect([...v.keys()]).toEqual(['b', '2', 'a']);
    expect(v.get('b')).toBe('x');
  });

  it('decodes every escape, surrogate pairs included', () => {
    expect(parse(String.raw`"a\"b\\c\/d\b\f\n\r\t\u0000\u00e9\ud83d\ude00"`)).toBe(
      'a"b\\c/d\b\f\n\r\t\u0000é😀',
    );
    expect(parse('"plain 中文 😀"')).toBe('plain 中文 😀');
  });

  it('writes objects and arrays back as compact JSON with the source number text', () => {
    expect(toJsonText(parse('{ "a" : [1.50, true, null, "x\\n"], "b": {"c": -0e5} }'))).toBe(
      '{"a":[1.50,true,null,"x\\n"],"b":{"c":-0e5}}',
    );
  });

  const bad: [string, string, number][] = [
    ['{"a":1,}', 'expected a "quoted" key', 7],
    ['{"a" 1}', "expected ':'", 5],
    ['[1 2]', "expected ',' or ']'", 3],
    ['{"a":01}', 'leading zero', 5],
    ['{"a":1.}', 'expected a digit', 7],
    ['{"a":-}', 'expected a digit', 6],
    ['{"a":1e}', 'expected a digit', 7],
    ['{"a":tru}', 'expected a value', 5],
    ['{"a":NaN}', 'expected a value', 5],
    ['"a\tb"', 'unescaped control character U+0009', 2],
    ['"\\x"', 'invalid escape \\x', 1],
    ['"\\u12G4"', 'invalid escape \\u12G4', 1],
    ['"abc', 'cut off', 4],
    ['"\\ud83d"', 'lone UTF-16 surrogate \\uD83D', 1],
    ['"\\ude00"', 'lone UTF-16 surrogate \\uDE00', 1],
    ['"x\\ud83dy"', 'lone UTF-16 surrogate \\uD83D', 2],
    ['"\\ud83d\\u0041"', 'lone UTF-16 surrogate \\uD83D', 1],
    ['"\\ud83d\\ud83d\\ude00"', 'lone UTF-16 surrogate \\uD83D', 1],
    ['{"a":', 'cut off', 5],
    ['{"a":1} x', 'more text after the value', 8],
  ];
  for (const [text, message, offset] of bad) {
    it(`rejects ${JSON.stringify(text)} at offset ${offset}`, () => {
      const e = syntaxError(text);
      expect(e.message).toContain(message);
      expect(e.offset).toBe(offset);
    });
  }

  it('refuses nesting deeper than MAX_DEPTH instead of overflowing the stack', () => {
    const deep = '['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1);
    expect(syntaxError(deep).message).toContain('nested deeper');
    const ok = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    expect(() => parse(ok)).not.toThrow();
  });
});

describe('number helpers', () => {
  it('fitsInt64 at the exact bounds', () => {
    expect(fitsInt64('9223372036854775807', 19)).toBe(true);
    expect(fitsInt64('9223372036854775808', 19)).toBe(false);
    expect(fitsInt64('-9223372036854775808', 19)).toBe(true);
    expect(fitsInt64('-9223372036854775809', 19)).toBe(false);
    expect(fitsInt64('10000000000000000000', 20)).toBe(false);
  });

  it('canonicalNumber gives one spelling per number', () => {
    expect(canonicalNumber('-1.50e2')).toBe('-15e1');
    expect(canonicalNumber('-150')).toBe('-15e1');
    expect(canonicalNumber('0.00120')).toBe('12e-4');
    expect(canonicalNumber('-0.0')).toBe('0');
    expect(canonicalNumber('1E+308')).toBe('1e308');
  });

  it('roundTripsDouble: the shortest double form must be the same number', () => {
    for (const ok of [
      '0.1',
      '1e308',
      '5e-324',
      '1.7976931348623157e308',
      '-0',
      '123456789012345.6',
      '1.5e-05',
      '100',
    ])
      expect(roundTripsDouble(ok), ok).toBe(true);
    for (const no of [
      '18446744073709551616',
      '0.10000000000000000001',
      '1e400',
      '9007199254740993',
      '1e-400',
    ])
      expect(roundTripsDouble(no), no).toBe(false);
  });

  it('unscaled pads to the column scale', () => {
    expect(unscaled('-1.5', 1, 3)).toBe(-1500n);
    expect(unscaled('12', 0, 2)).toBe(1200n);
    expect(unscaled('-0.05', 2, 2)).toBe(-5n);
    expect(unscaled('99999999999999999999999', 0, 0)).toBe(99999999999999999999999n);
  });
});
