import { describe, expect, it } from 'vitest';
import { formatType } from '../../../src/domain/schema/index.js';
import { newShape, observe, resolveColumns } from '../../../src/formats/json/infer.js';
import { JsonParser } from '../../../src/formats/json/parser.js';
import { chunkedSource, readJson, types } from './helpers.js';

/** The lattice alone: parse each line into a tree, observe it, resolve. */
function inferred(lines: string[]): Record<string, string> {
  const rows = newShape();
  const parser = new JsonParser();
  for (const l of lines) observe(rows, parser.parse(l, 0, l.length));
  return Object.fromEntries(
    resolveColumns(rows).map((f) => [f.name, `${formatType(f.type)}${f.nullable ? '' : ' not null'}`]),
  );
}

/** The same through the reader, whose inference pass notes values straight from the text. */
async function viaReader(lines: string[]): Promise<Record<string, string>> {
  return types(await readJson([chunkedSource('t.json', lines.join('\n'))]));
}

const cases: [string, string[], Record<string, string>][] = [
  ['booleans', ['{"a":true}', '{"a":false}'], { a: 'boolean not null' }],
  ['int64', ['{"a":1}', '{"a":-9223372036854775808}', '{"a":9223372036854775807}'], { a: 'int64 not null' }],
  ['past int64: decimal(p,0)', ['{"a":1}', '{"a":9223372036854775808}'], { a: 'decimal(19,0) not null' }],
  ['below int64: decimal(p,0)', ['{"a":-9223372036854775809}'], { a: 'decimal(19,0) not null' }],
  ['int then decimal: room for both', ['{"a":12345}', '{"a":0.125}'], { a: 'decimal(8,3) not null' }],
  [
    'decimal keeps the widest scale',
    ['{"a":1.5}', '{"a":1.50}', '{"a":-0.001}'],
    { a: 'decimal(4,3) not null' },
  ],
  ['0.5 is decimal(1,1)', ['{"a":0.5}'], { a: 'decimal(1,1) not null' }],
  [
    '38 digits stay decimal',
    ['{"a":1234567890123456789012345678.0123456789}'],
    { a: 'decimal(38,10) not null' },
  ],
  [
    '39 digits round-tripping: double',
    ['{"a":1000000000000000000000000000000000000000}'],
    { a: 'double not null' },
  ],
  [
    '39 digits not round-tripping: string',
    ['{"a":123456789012345678901234567890123456789}'],
    { a: 'string not null' },
  ],
  ['int then exponent: double', ['{"a":1}', '{"a":2.5e3}'], { a: 'double not null' }],
  [
    'exponent with a 17-digit int: string',
    ['{"a":1e2}', '{"a":12345678901234567}'],
    { a: 'string not null' },
  ],
  ['exponent with 2^64: string', ['{"a":1e2}', '{"a":18446744073709551616}'], { a: 'string not null' }],
  [
    'extreme doubles',
    ['{"a":1e308}', '{"a":5e-324}', '{"a":-2.2250738585072014E-308}'],
    { a: 'double not null' },
  ],
  ['1e400 is no double: string', ['{"a":1e400}'], { a: 'string not null' }],
  ['number then string', ['{"a":1}', '{"a":"x"}'], { a: 'string not null' }],
  ['boolean then number', ['{"a":true}', '{"a":1}'], { a: 'string not null' }],
  ['boolean then string', ['{"a":true}', '{"a":"t"}'], { a: 'string not null' }],
  ['object in a string column', ['{"a":"x"}', '{"a":{"b":1}}'], { a: 'string not null' }],
  ['object then array', ['{"a":{"b":1}}', '{"a":[1]}'], { a: 'string not null' }],
  ['only nulls', ['{"a":null}', '{"a":null}'], { a: 'string' }],
  ['missing key: nullable', ['{"a":1,"b":2}', '{"a":1}'], { a: 'int64 not null', b: 'int64' }],
  ['union of keys in first-seen order', ['{"b":1}', '{"a":1,"c":2}'], { b: 'int64', a: 'int64', c: 'int64' }],
  ['integer-like keys keep their order', ['{"b":1,"1":2}'], { b: 'int64 not null', '1': 'int64 not null' }],
  [
    'struct fields: union, nullable where missing',
    ['{"s":{"x":1}}', '{"s":{"x":2,"y":"a"}}', '{"s":null}'],
    { s: 'struct<x: int64 not null, y: string>' },
  ],
  [
    'struct field widening',
    ['{"s":{"x":1}}', '{"s":{"x":1.5}}'],
    { s: 'struct<x: decimal(2,1) not null> not null' },
  ],
  ['empty object only: string', ['{"s":{}}'], { s: 'string not null' }],
  [
    'list over every element',
    ['{"l":[1,2]}', '{"l":[3.25]}', '{"l":[]}'],
    { l: 'list<decimal(3,2) not null> not null' },
  ],
  ['list with a null element', ['{"l":[1,null]}'], { l: 'list<int64> not null' }],
  ['only empty lists: list<string>', ['{"l":[]}', '{"l":null}'], { l: 'list<string>' }],
  [
    'list of lists',
    ['{"l":[[1],[2,3]]}', '{"l":[[]]}'],
    { l: 'list<list<int64 not null> not null> not null' },
  ],
  [
    'list of structs',
    ['{"l":[{"a":1},{"a":2,"b":true}]}'],
    { l: 'list<struct<a: int64 not null, b: boolean> not null> not null' },
  ],
  ['mixed list elements: string', ['{"l":[1,"a",{"b":2}]}'], { l: 'list<string not null> not null' }],
  ['a repeated key counts once for presence', ['{"a":1,"a":2}', '{"b":1}'], { a: 'int64', b: 'int64' }],
];

describe('JSON type inference (the widening lattice)', () => {
  for (const [name, lines, want] of cases) {
    it(name, async () => {
      expect(inferred(lines)).toEqual(want);
      expect(await viaReader(lines)).toEqual(want);
    });
  }

  it('reads every row: a string on the last of many rows turns the column to string', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"a":${i}}`);
    lines.push('{"a":"last"}');
    expect(inferred(lines)).toEqual({ a: 'string not null' });
    expect(await viaReader(lines)).toEqual({ a: 'string not null' });
  });
});
