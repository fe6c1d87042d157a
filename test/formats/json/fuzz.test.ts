import { describe, expect, it } from 'vitest';
import { formatType, type Json, type LogicalType, renderFloat } from '../../../src/domain/schema/index.js';
import { newShape, observe, resolveColumns } from '../../../src/formats/json/infer.js';
import { JsonNumber, type JsonValue, toJsonText } from '../../../src/formats/json/json-value.js';
import { JsonParser } from '../../../src/formats/json/parser.js';
import { chunkedSource, readJson } from './helpers.js';

/**
 * The reader (text-level inference and value parsers, streamed in odd chunks) against a slow reference:
 * the tree parser, `observe` over the trees, and a renderer written here from the rules, not from the
 * reader's code. Random rows mix every kind of value, so columns widen in many ways.
 */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = [
  '0',
  '-0',
  '7',
  '-42',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551616',
  '1.50',
  '-0.001',
  '123456.789',
  '0.5',
  '1e3',
  '-2.5E-7',
  '1e308',
  '5e-324',
  '12345678901234567',
  '99999999999999999999999',
  '0.1000000000000000055511151231257827',
];
const STRINGS = [
  '',
  'x',
  'a"b',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  '\\N',
  'nul\u0000',
  '😀',
  '中文',
  'é',
];

function randomText(r: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (k < 0.3) return pick(NUMBERS);
  if (k < 0.5) return escaped(pick(STRINGS), r);
  if (k < 0.6) return pick(['true', 'false', 'null']);
  if (depth > 2 || k < 0.8) return pick(NUMBERS);
  if (k < 0.9) {
    const n = Math.floor(r() * 4);
    return `[${Array.from({ length: n }, () => randomText(r, depth + 1)).join(pick([',', ' , ', ',\n ']))}]`;
  }
  return randomObject(r, depth + 1, 3);
}

function randomObject(r: () => number, depth: number, keys: number): string {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) if (r() < 0.8) parts.push(`"k${i}" : ${randomText(r, depth)}`);
  return `{${parts.join(r() < 0.5 ? ',' : ', ')}}`;
}

/** JSON string text, with some characters written as \u escapes (surrogate pairs too). */
function escaped(s: string, r: () => number): string {
  let out = '';
  for (const ch of s) {
    const units = ch.split('').map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`);
    out += r() < 0.2 ? units.join('') : JSON.stringify(ch).slice(1, -1);
  }
  return `"${out}"`;
}

function reference(type: LogicalType, v: JsonValue): Json {
  if (v === null) return null;
  switch (type.kind) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'boolean') return String(v);
      return v instanceof JsonNumber ? v.text : toJsonText(v);
    case 'boolean':
      return v as boolean;
    case 'int':
      return BigInt((v as JsonNumber).text).toString();
    case 'double':
      return renderFloat(Number((v as JsonNumber).text));
    case 'decimal': {
      const text = (v as JsonNumber).text;
      const [int, frac = ''] = text.replace('-', '').split('.') as [string, string?];
      const digits = int.replace(/^0+(?=\d)/, '');
      const f = frac.padEnd(type.scale, '0');
      const neg = text.startsWith('-') && /[1-9]/.test(digits + f);
      return `${neg ? '-' : ''}${digits}${type.scale > 0 ? `.${f}` : ''}`;
    }
    case 'list':
      return (v as JsonValue[]).map((x) => reference(type.element.type, x));
    case 'struct': {
      const o = v as Map<string, JsonValue>;
      return Object.fromEntries(type.fields.map((f) => [f.name, reference(f.type, o.get(f.name) ?? null)]));
    }
    default:
      throw new Error(`unexpected ${type.kind}`);
  }
}

describe('JSON reader against the reference (random rows)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed);
      const rows = Array.from({ length: 1 + Math.floor(r() * 30) }, () => randomObject(r, 0, 6));
      const parser = new JsonParser();
      const trees = rows.map((t) => parser.parse(t, 0, t.length) as Map<string, JsonValue>);
      const shape = newShape();
      for (const t of trees) observe(shape, t);
      const fields = resolveColumns(shape);
      if (fields.length === 0) return; // every row empty: the reader refuses it (tested elsewhere)

      const asArray = r() < 0.5;
      const text = asArray
        ? `[\n${rows.join(',\n')}\n]`
        : rows.map((x) => x.replaceAll('\n', ' ')).join('\n');
      const got = await readJson([chunkedSource('f.json', text, [1 + Math.floor(r() * 17)])], {
        batchSize: 4,
      });
      expect(got.schema).toEqual(
        fields.map((f) => ({ name: f.name, type: formatType(f.type), nullable: f.nullable })),
      );
      expect(got.rows).toEqual(
        trees.map((t) =>
          Object.fromEntries(fields.map((f) => [f.name, reference(f.type, t.get(f.name) ?? null)])),
        ),
      );
    });
  }
});
