import type { SchemaElement, SchemaTree } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { formatType, renderValue } from '../../../src/domain/schema/index.js';
import { assemblerFor } from '../../../src/formats/parquet/assemble.js';
import type { LeafSlice } from '../../../src/formats/parquet/leaf-cursor.js';
import { SchemaProblem } from '../../../src/formats/parquet/problems.js';
import { mapSchema } from '../../../src/formats/parquet/schema-map.js';

/**
 * Schemas pyarrow never writes (so no golden file can hold them): the 2-level list forms of older
 * parquet-mr / Hive / Thrift writers, bare repeated fields, and BYTE_ARRAY decimals.
 */
type El = Partial<SchemaElement> & { name: string };

function node(element: El, children: SchemaTree[] = []): SchemaTree {
  const num_children = children.length > 0 ? children.length : undefined;
  return { element: { ...element, num_children } as SchemaElement, children, count: 1, path: [] };
}

function withPaths(t: SchemaTree, prefix: string[]): SchemaTree {
  const path = [...prefix, t.element.name];
  return { ...t, path, children: t.children.map((c) => withPaths(c, path)) };
}

const root = (...fields: SchemaTree[]): SchemaTree => ({
  ...node({ name: 'schema' }, fields),
  children: fields.map((f) => withPaths(f, [])),
});
const leaf = (name: string, rep: 'REQUIRED' | 'OPTIONAL' | 'REPEATED', extra: Partial<SchemaElement> = {}) =>
  node({ name, repetition_type: rep, type: 'INT32', ...extra });
const group = (
  name: string,
  rep: 'REQUIRED' | 'OPTIONAL' | 'REPEATED',
  extra: Partial<SchemaElement>,
  ...kids: SchemaTree[]
) => node({ name, repetition_type: rep, ...extra }, kids);

const printed = (r: SchemaTree) =>
  mapSchema(r).schema.fields.map((f) => `${f.name}: ${formatType(f.type)}${f.nullable ? '' : ' not null'}`);

describe('parquet schema mapping: legacy and hand-written layouts', () => {
  it('reads a bare repeated primitive as a non-null list of non-null elements', () => {
    expect(printed(root(leaf('xs', 'REPEATED')))).toEqual(['xs: list<int32 not null> not null']);
  });

  it('reads the 2-level LIST forms (repeated primitive, `array`, `<name>_tuple`, several fields)', () => {
    const r = root(
      group('a', 'OPTIONAL', { converted_type: 'LIST' }, leaf('element', 'REPEATED')),
      group(
        'b',
        'OPTIONAL',
        { converted_type: 'LIST' },
        group('array', 'REPEATED', {}, leaf('v', 'OPTIONAL')),
      ),
      group(
        'c',
        'OPTIONAL',
        { converted_type: 'LIST' },
        group('c_tuple', 'REPEATED', {}, leaf('v', 'REQUIRED')),
      ),
      group(
        'd',
        'REQUIRED',
        { converted_type: 'LIST' },
        group('pair', 'REPEATED', {}, leaf('x', 'REQUIRED'), leaf('y', 'OPTIONAL')),
      ),
      group(
        'e',
        'OPTIONAL',
        { converted_type: 'LIST' },
        group('list', 'REPEATED', {}, leaf('item', 'OPTIONAL')),
      ),
    );
    expect(printed(r)).toEqual([
      'a: list<int32 not null>',
      'b: list<struct<v: int32> not null>',
      'c: list<struct<v: int32 not null> not null>',
      'd: list<struct<x: int32 not null, y: int32> not null> not null',
      'e: list<int32>',
    ]);
  });

  it('reads MAP_KEY_VALUE maps and decimals stored as BYTE_ARRAY', () => {
    const r = root(
      group(
        'm',
        'OPTIONAL',
        { converted_type: 'MAP_KEY_VALUE' },
        group(
          'map',
          'REPEATED',
          {},
          leaf('key', 'REQUIRED', { type: 'BYTE_ARRAY', converted_type: 'UTF8' }),
          leaf('value', 'OPTIONAL'),
        ),
      ),
      leaf('dec', 'OPTIONAL', { type: 'BYTE_ARRAY', converted_type: 'DECIMAL', precision: 40, scale: 3 }),
    );
    expect(printed(r)).toEqual(['m: map<string, int32>', 'dec: decimal(40,3)']);
    expect(mapSchema(r).leaves.map((l) => l.conversion)).toEqual(['string', 'number', 'decimal-bytes']);
  });

  it('refuses INTERVAL and malformed LIST groups, naming the column', () => {
    const interval = root(
      leaf('iv', 'OPTIONAL', { type: 'FIXED_LEN_BYTE_ARRAY', type_length: 12, converted_type: 'INTERVAL' }),
    );
    expect(() => mapSchema(interval)).toThrow(SchemaProblem);
    expect(() => mapSchema(interval)).toThrow(/INTERVAL type is not supported/);
    const badList = root(group('l', 'OPTIONAL', { converted_type: 'LIST' }, leaf('x', 'OPTIONAL')));
    try {
      mapSchema(badList);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SchemaProblem);
      expect((e as SchemaProblem).column).toBe('l');
    }
  });
});

describe('parquet record assembly from levels', () => {
  const slice = (def: number[] | null, rep: number[] | null, values: number[]): LeafSlice => ({
    entries: (def ?? rep ?? values).length,
    def: def && Int32Array.from(def),
    rep: rep && Int32Array.from(rep),
    parts: [{ run: { kind: 'array', v: Int32Array.from(values) }, from: 0, to: values.length }],
    valueCount: values.length,
  });

  it('rebuilds a bare repeated field: rows [1, 2], [], [3]', () => {
    const layout = mapSchema(root(leaf('xs', 'REPEATED')));
    const col = assemblerFor(layout.columns[0]!)([slice([1, 1, 0, 1], [0, 1, 0, 0], [1, 2, 3])], 3);
    expect([0, 1, 2].map((i) => col.get(i))).toEqual([[1, 2], [], [3]]);
  });

  it('rebuilds an optional list of optional structs with a nested list (Dremel levels)', () => {
    // a: optional group (LIST) { repeated group list { optional group element { optional int32 x; optional group ys (LIST) { repeated group list { optional int32 element }}}}}
    const ys = group(
      'ys',
      'OPTIONAL',
      { converted_type: 'LIST' },
      group('list', 'REPEATED', {}, leaf('element', 'OPTIONAL')),
    );
    const element = group('element', 'OPTIONAL', {}, leaf('x', 'OPTIONAL'), ys);
    const layout = mapSchema(
      root(group('a', 'OPTIONAL', { converted_type: 'LIST' }, group('list', 'REPEATED', {}, element))),
    );
    expect(layout.leaves.map((l) => [l.name, l.maxDef, l.maxRep])).toEqual([
      ['a.list.element.x', 4, 1],
      ['a.list.element.ys.list.element', 6, 2],
    ]);
    // rows: [{x: 1, ys: [7, null]}, null], null, [], [{x: null, ys: []}]
    const x = slice([4, 2, 0, 1, 3], [0, 1, 0, 0, 0], [1]);
    const yv = slice([6, 5, 2, 0, 1, 4], [0, 2, 1, 0, 0, 0], [7]);
    const col = assemblerFor(layout.columns[0]!)([x, yv], 4);
    const rows = [0, 1, 2, 3].map((i) => renderValue(layout.schema.fields[0]!.type, col.get(i)));
    expect(rows).toEqual([[{ x: 1, ys: [7, null] }, null], null, [], [{ x: null, ys: [] }]]);
  });
});
