import { describe, expect, it, vi } from 'vitest';
import { ChunkFeed } from '../../../src/formats/csv/chunk-feed.js';
import { CsvParser } from '../../../src/formats/csv/parser.js';

interface Parsed {
  fields: (string | null)[];
  line: number;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Every record of `bytes`, fed in chunks of the given size (the last one shorter). */
function parseChunked(bytes: Uint8Array, chunk: number, delimiter = ','): Parsed[] {
  const out: Parsed[] = [];
  const parser = new CsvParser(delimiter, 'test.csv', (r) => {
    out.push({ fields: Array.from({ length: r.count }, (_, c) => r.value(c)), line: r.line });
  });
  const feed = new ChunkFeed(parser, 'test.csv');
  for (let at = 0; at < bytes.length; at += chunk) feed.push(bytes.subarray(at, at + chunk));
  feed.finish();
  return out;
}

/** The same records whatever the chunk size, from one byte (every border cut) to the whole text. */
function parse(text: string | Uint8Array, delimiter = ','): Parsed[] {
  const bytes = typeof text === 'string' ? utf8(text) : text;
  const whole = parseChunked(bytes, bytes.length + 1, delimiter);
  for (const size of [1, 2, 3, 5, 7, 64])
    expect(parseChunked(bytes, size, delimiter), `chunks of ${size}`).toEqual(whole);
  return whole;
}

const fields = (text: string, delimiter = ',') => parse(text, delimiter).map((r) => r.fields);

describe('CSV parser', () => {
  it('reads bare and quoted fields; a bare empty field is NULL, a quoted one an empty string', () => {
    expect(fields('a,b,c\n1,,""\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', null, ''],
    ]);
    expect(fields(',\n')).toEqual([[null, null]]);
    expect(fields('"",""\n')).toEqual([['', '']]);
  });

  it('keeps delimiters, doubled quotes and line ends inside quotes', () => {
    expect(fields('"a,b","say ""hi""","two\nlines","crlf\r\nkept","""",""""""\r\n')).toEqual([
      ['a,b', 'say "hi"', 'two\nlines', 'crlf\r\nkept', '"', '""'],
    ]);
  });

  it('ends records at LF or CRLF, with or without a last line end; a lone CR is data', () => {
    expect(fields('a,b\r\nc,d\ne,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
    expect(fields('a\rb,c\r\n')).toEqual([['a\rb', 'c']]);
    expect(fields('"q"\r\n"r"')).toEqual([['q'], ['r']]);
    expect(fields('a,\n')).toEqual([['a', null]]);
    expect(fields('a,')).toEqual([['a', null]]);
    expect(fields('')).toEqual([]);
  });

  it('keeps a quote inside a bare field as is', () => {
    expect(fields('ab"c,d\n')).toEqual([['ab"c', 'd']]);
  });

  it('reads a blank line as one NULL field', () => {
    expect(fields('a\n\nb\n\r\n')).toEqual([['a'], [null], ['b'], [null]]);
  });

  it('splits on the chosen delimiter only', () => {
    expect(fields('a\tb,c\t"d\te"\n', '\t')).toEqual([['a', 'b,c', 'd\te']]);
    expect(fields('1;2,5;"x;y"\n', ';')).toEqual([['1', '2,5', 'x;y']]);
    expect(fields('x§y§"z§"\n', '§')).toEqual([['x', 'y', 'z§']]);
  });

  it('decodes UTF-8 whatever chunk border cuts a character, and drops a leading BOM only', () => {
    const text = '\ufeffé,中文\n😀,"👍🏽\n\ufeff"\n';
    expect(fields(text)).toEqual([
      ['é', '中文'],
      ['😀', '👍🏽\n\ufeff'],
    ]);
    expect(fields('\ufeff')).toEqual([]);
  });

  it('numbers each record by the physical line it starts on', () => {
    const lines = parse('h1,h2\n1,"two\nlines"\n2,"three\r\nphysical\nlines"\n3,x\n\n4,y').map((r) => r.line);
    expect(lines).toEqual([1, 2, 4, 7, 8, 9]);
  });

  it('names the line of an unterminated quote, and of a character after a closing quote', () => {
    expect(() => parse('a\n1\n"open\nstill open\n')).toThrow(
      /test\.csv: line 3: a quoted field is not closed/,
    );
    expect(() => parse('a,b\n"x\ny"z,1\n')).toThrow(
      /test\.csv: line 3: unexpected "z" after the closing quote/,
    );
  });

  it('names the line of invalid UTF-8, also when a chunk border cuts the bad sequence', () => {
    const bytes = new Uint8Array([...utf8('a\n"b\nc"\n'), 0xe4, 0xb8, 0x41, ...utf8('\nd\n')]);
    for (const size of [1, 2, 4, 9, 100]) {
      expect(() => parseChunked(bytes, size), `chunks of ${size}`).toThrow(
        /test\.csv: line 4: the text is not valid UTF-8/,
      );
    }
    const truncated = new Uint8Array([...utf8('a\nb\n'), 0xf0, 0x9f]);
    for (const size of [1, 3, 100])
      expect(() => parseChunked(truncated, size)).toThrow(/line 3: the text is not valid UTF-8/);
  });

  it('parses a huge quoted field spread over many chunks without rescanning it for each chunk', () => {
    const big = 'x'.repeat(400_000);
    const bytes = utf8(`a,b\n1,"${big}"\n2,z\n`);
    const spy = vi.spyOn(CsvParser.prototype, 'parse');
    const records = parseChunked(bytes, 1024);
    expect(records.map((r) => r.fields[1]?.length)).toEqual([1, 400_000, 1]);
    // 64 KiB are parsed chunk by chunk, then only each time the waiting bytes double: far fewer than 392.
    expect(spy.mock.calls.length).toBeLessThan(100);
    spy.mockRestore();
  });
});
