import { describe, expect, it } from 'vitest';
import { jsonReader } from '../../../src/formats/json/reader.js';
import type { ByteSource } from '../../../src/storage/byte-source.js';
import { chunkedSource, readError, readJson, types } from './helpers.js';

const ROWS = [
  { id: 1, name: 'a\tb "q" \\ \n 中文 😀', price: '1.50', tags: ['x'], at: { lat: 1.25, ok: true } },
  { id: 2, name: '', price: '-0.001', tags: [], at: null, extra: 'only here' },
  { id: 3, name: null, price: '10', tags: null, at: { lat: 2, ok: false } },
];

/** The rows above as JSON text: decimals written as bare literals (JSON.stringify would quote them). */
function jsonOf(row: (typeof ROWS)[number]): string {
  return JSON.stringify(row).replace(/"price":"([^"]*)"/, '"price":$1');
}
const LINES = `${ROWS.map(jsonOf).join('\n')}\n`;
const ARRAY = `[\n${ROWS.map((r) => `  ${jsonOf(r)}`).join(',\n')}\n]\n`;

const WANT_SCHEMA = {
  id: 'int64 not null',
  name: 'string',
  price: 'decimal(5,3) not null',
  tags: 'list<string not null>',
  at: 'struct<lat: decimal(3,2) not null, ok: boolean not null>',
  extra: 'string',
};
const WANT_ROWS = [
  {
    id: '1',
    name: 'a\tb "q" \\ \n 中文 😀',
    price: '1.500',
    tags: ['x'],
    at: { lat: '1.25', ok: true },
    extra: null,
  },
  { id: '2', name: '', price: '-0.001', tags: [], at: null, extra: 'only here' },
  { id: '3', name: null, price: '10.000', tags: null, at: { lat: '2.00', ok: false }, extra: null },
];

describe('JSON reader', () => {
  // Chunk sizes that split every token, multi-byte character and line ending somewhere.
  const splits: [string, number[]][] = [
    ['whole', [1 << 20]],
    ['1-byte chunks', [1]],
    ['uneven chunks', [2, 3, 5, 7, 11]],
  ];
  for (const [layout, text] of [
    ['JSON Lines', LINES],
    ['a top-level array', ARRAY],
    ['JSON Lines with BOM, CRLF and blank lines', `\ufeff\r\n${LINES.replaceAll('\n', '\r\n\r\n')}`],
    ['an array with BOM', `\ufeff  ${ARRAY}`],
  ] as const) {
    for (const [how, sizes] of splits) {
      it(`reads ${layout} in ${how}`, async () => {
        const r = await readJson([chunkedSource('t.json', text, sizes)]);
        expect(types(r)).toEqual(WANT_SCHEMA);
        expect(r.rowCount).toBe(3);
        expect(r.rows).toEqual(WANT_ROWS);
      });
    }
  }

  it('yields batches of at most batchSize rows, every row once', async () => {
    const text = Array.from({ length: 103 }, (_, i) => `{"i":${i}}`).join('\n');
    const r = await readJson([chunkedSource('t.json', text, [64])], { batchSize: 10 });
    expect(r.batchSizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect(r.rows.map((x) => x.i)).toEqual(Array.from({ length: 103 }, (_, i) => String(i)));
  });

  it('infers one schema over every part; an empty part adds no rows', async () => {
    const r = await readJson([
      chunkedSource('part-0.json', '{"a":1,"b":"x"}\n'),
      chunkedSource('part-1.json', ''),
      chunkedSource('part-2.json', '[{"a":2.5,"c":[1]}]'),
    ]);
    expect(types(r)).toEqual({ a: 'decimal(2,1) not null', b: 'string', c: 'list<int64 not null>' });
    expect(r.rows).toEqual([
      { a: '1.0', b: 'x', c: null },
      { a: '2.5', b: null, c: ['1'] },
    ]);
  });

  it('keeps the source text of numbers and objects that land in a string column', async () => {
    const r = await readJson([
      chunkedSource('t.json', '{"v":1.50}\n{"v":true}\n{"v":{"k": [1E3, "é"]}}\n{"v":"s"}\n'),
    ]);
    expect(r.rows.map((x) => x.v)).toEqual(['1.50', 'true', '{"k":[1E3,"é"]}', 's']);
  });

  it('reads big integers and doubles exactly', async () => {
    const r = await readJson([
      chunkedSource(
        't.json',
        '{"i":-9223372036854775808,"u":18446744073709551616,"d":5e-324}\n{"i":9223372036854775807,"u":1,"d":1e308}',
      ),
    ]);
    expect(types(r)).toEqual({ i: 'int64 not null', u: 'decimal(20,0) not null', d: 'double not null' });
    expect(r.rows).toEqual([
      { i: '-9223372036854775808', u: '18446744073709551616', d: 5e-324 },
      { i: '9223372036854775807', u: '1', d: 1e308 },
    ]);
  });

  it('reads an element longer than many stream chunks', async () => {
    const long = 'x'.repeat(200_000);
    const text = `[{"a":"${long}","b":[${Array.from({ length: 5000 }, (_, i) => i).join(',')}]},{"a":"y","b":[]}]`;
    const r = await readJson([chunkedSource('t.json', text, [4096])]);
    expect(r.rows[0]!.a).toBe(long);
    expect((r.rows[0]!.b as string[]).length).toBe(5000);
    expect(r.rows[1]).toEqual({ a: 'y', b: [] });
  });

  const rewrites: [string, string, string][] = [
    ['fewer rows', '{"a":1}\n{"a":2}\n', '{"a":1}\n'],
    ['more rows', '{"a":1}\n', '{"a":1}\n{"a":2}\n'],
    ['a value of another type', '{"a":1}\n', '{"a":"x"}\n'],
    ['a new key', '{"a":1}\n', '{"b":1}\n'],
    ['a wider decimal', '{"a":1.5}\n', '{"a":1.25}\n'],
  ];
  for (const [what, first, second] of rewrites) {
    it(`reports a file that changed between the two passes: ${what}`, async () => {
      let reads = 0;
      const source: ByteSource = {
        name: 'moving.json',
        size: 0,
        read: async () => new Uint8Array(),
        async *stream() {
          yield new TextEncoder().encode(reads++ === 0 ? first : second);
        },
      };
      const opened = await jsonReader.open([source]);
      const consume = async () => {
        for await (const _ of opened.batches());
      };
      await expect(consume()).rejects.toThrow(
        'moving.json: the file changed between the inference pass and the read pass',
      );
    });
  }
});

describe('JSON reader errors name the file and where', () => {
  const cases: [string, string, string[]][] = [
    [
      'malformed line',
      '{"a":1}\n{"a":2,}\n',
      ['bad.json: line 2: invalid JSON at character 8', 'expected a "quoted" key'],
    ],
    [
      'not an object on a line',
      '{"a":1}\n\n[1,2]\n',
      ['bad.json: line 3: the line holds an array, not a JSON object'],
    ],
    ['null row', '{"a":1}\nnull\n', ['bad.json: line 2: the line holds null']],
    [
      'two objects on a line',
      '{"a":1} {"a":2}\n',
      ['bad.json: line 1: invalid JSON at character 9: more text after the value'],
    ],
    [
      'not an object in an array',
      '[\n  {"a": 1},\n  "x"\n]',
      ['bad.json: line 3: element [1] of the top-level array is a string, not a JSON object'],
    ],
    [
      'malformed element',
      '[\n  {"a": 1},\n  {"a": [1, }\n]',
      ['bad.json: line 3: invalid JSON at character 13', "expected a value, found '}'"],
    ],
    [
      'missing comma',
      '[{"a":1}\n {"a":2}]',
      ['bad.json: line 2: invalid JSON at character 2', "expected ',' or ']'"],
    ],
    [
      'trailing comma',
      '[{"a":1},]',
      ['bad.json: line 1: invalid JSON at character 10', "expected a value, found ']'"],
    ],
    [
      'not an object after leading blank lines',
      '\n\n\n[\n{"a":1},\n 5]',
      ['bad.json: line 6: element [1] of the top-level array is a number'],
    ],
    [
      'not an object after leading blank lines (JSON Lines)',
      '\n\n{"a":1}\n5',
      ['bad.json: line 4: the line holds a number'],
    ],
    ['truncated array', '[{"a":1},\n {"a":2}', ['bad.json: the top-level array is cut off']],
    ['truncated element', '[{"a":1},\n {"a":', ['bad.json: the top-level array is cut off']],
    [
      'text after the array',
      '[{"a":1}]\nx',
      ['bad.json: line 2: invalid JSON at character 1: more text after the closing ]'],
    ],
    [
      'control character in a string',
      '{"a":"x\ty"}',
      ['bad.json: line 1: invalid JSON at character 8: a string holds an unescaped control character U+0009'],
    ],
    [
      'lone surrogate escape',
      '{"a":"ok"}\n{"a":"\\ud800"}',
      ['bad.json: line 2: invalid JSON at character 7: a string holds a lone UTF-16 surrogate \\uD800'],
    ],
    ['empty file', '', ['bad.json: holds no JSON rows']],
    ['only whitespace', ' \n\n ', ['bad.json: holds no JSON rows']],
    ['empty array', '[ ]', ['bad.json: holds no JSON rows']],
    ['only empty objects', '{}\n{}', ['bad.json: every row is an empty object']],
  ];
  for (const [name, text, parts] of cases) {
    for (const sizes of [[1 << 20], [3], [1]]) {
      it(`${name} (chunks of ${sizes[0]})`, async () => {
        const message = await readError([chunkedSource('bad.json', text, sizes)]);
        for (const p of parts) expect(message).toContain(p);
      });
    }
  }

  it('invalid UTF-8 names the byte and line', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"a":"ok"}\n{"a":"'),
      0xc3,
      0x28,
      ...new TextEncoder().encode('"}\n'),
    ]);
    for (const sizes of [[1 << 20], [1]]) {
      const message = await readError([chunkedSource('bad.json', bytes, sizes)]);
      expect(message).toBe('bad.json: line 2: invalid UTF-8 at byte 17: JSON text must be UTF-8');
    }
  });

  const invalid: [string, number[]][] = [
    ['an overlong form', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lone continuation byte', [0x80]],
    ['a lead byte without its continuation', [0xe2, 0x28, 0xa1]],
  ];
  for (const [what, seq] of invalid) {
    it(`invalid UTF-8: ${what}`, async () => {
      const bytes = new Uint8Array([...new TextEncoder().encode('{"a":"é"}\n\n{"a":"'), ...seq, 0x22, 0x7d]);
      for (const sizes of [[1 << 20], [1], [2, 5]]) {
        expect(await readError([chunkedSource('bad.json', bytes, sizes)])).toBe(
          'bad.json: line 3: invalid UTF-8 at byte 18: JSON text must be UTF-8',
        );
      }
    });
  }

  it('a UTF-8 sequence cut off at the end of the file', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"a":"'), 0xf0, 0x9f]);
    expect(await readError([chunkedSource('bad.json', bytes)])).toBe(
      'bad.json: line 1: invalid UTF-8 at byte 6: JSON text must be UTF-8',
    );
  });

  it('an empty result of several parts names the first and counts the others', async () => {
    const message = await readError([chunkedSource('p0.json', ''), chunkedSource('p1.json', '[]')]);
    expect(message).toBe(
      'p0.json: holds no JSON rows (nor do the other 1 part files): no columns can be inferred',
    );
  });
});
