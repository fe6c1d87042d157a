import type { Field, Json, LogicalType, Schema, TimeUnit } from '../../../src/domain/schema/index.js';
import { renderDecimal, renderFloat } from '../../../src/domain/schema/index.js';
import type { TargetConfig } from '../../../src/targets/config.js';
import { backtick } from '../../../src/targets/ddl/compiler.js';
import type { TableRef } from '../../../src/targets/ddl/nodes.js';

/**
 * Reads a MySQL/MariaDB table back as canonical JSON rows (src/domain/schema/render.ts) of the results'
 * logical schema, whatever column types hold them (new tables, or wider existing ones). Every value comes
 * as text from SQL (CAST … AS CHAR, HEX), so no digit goes through a JS Date or a lossy number on the way;
 * FLOAT columns are read through CAST AS DOUBLE (MySQL prints floats with 6 digits). Row order is the
 * table's: sort both sides before comparing.
 */
export async function readBack(
  config: TargetConfig,
  table: TableRef,
  schema: Schema,
): Promise<Record<string, Json>[]> {
  if (config.kind !== 'mysql') throw new Error('readBack(mysql) needs a mysql config');
  const { default: mysql } = await import('mysql2/promise');
  const conn = await mysql.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
    ...(config.password !== undefined ? { password: config.password } : {}),
    charset: 'UTF8MB4_BIN',
    rowsAsArray: true,
    typeCast: (field, next) => (field.type === 'GEOMETRY' ? next() : field.string('utf8')),
  });
  try {
    await conn.query("SET time_zone = '+00:00'");
    const from =
      table.namespace === undefined
        ? backtick(table.name)
        : `${backtick(table.namespace)}.${backtick(table.name)}`;
    const select = schema.fields.map((f) => expression(f)).join(', ');
    const [result] = await conn.query(`SELECT ${select} FROM ${from}`);
    return (result as unknown as (string | null)[][]).map((r) =>
      Object.fromEntries(schema.fields.map((f, i) => [f.name, fromText(f.type, r[i] ?? null)])),
    );
  } finally {
    await conn.end();
  }
}

function expression(f: Field): string {
  const c = backtick(f.name);
  switch (f.type.kind) {
    case 'float':
      return `CAST(CAST(${c} AS DOUBLE) AS CHAR)`;
    case 'binary':
      return `HEX(${c})`;
    case 'string':
    case 'uuid':
    case 'list':
    case 'struct':
    case 'map':
      return c;
    default:
      return `CAST(${c} AS CHAR)`;
  }
}

function fromText(type: LogicalType, s: string | null): Json {
  if (s === null) return null;
  switch (type.kind) {
    case 'boolean':
      return s !== '0' && s !== 'false';
    case 'int':
      return type.bits === 64 ? s : Number(s);
    case 'float':
    case 'double':
      return renderFloat(Number(s));
    case 'decimal':
      return decimalText(s, type.scale);
    case 'binary':
      return Buffer.from(s, 'hex').toString('base64');
    case 'time':
      return clockText(s, type.unit);
    case 'timestamp': {
      const [day, clock] = s.split(' ');
      return `${day}T${clockText(clock ?? '', type.unit)}${type.utc ? 'Z' : ''}`;
    }
    case 'list':
    case 'struct':
    case 'map':
      return fromJson(type, new JsonText(s).value());
    default:
      return s; // string, uuid, date ('YYYY-MM-DD')
  }
}

/** A decimal's text at the logical scale (a wider column prints more digits; extra zeros are dropped). */
function decimalText(s: string, scale: number): string {
  const neg = s.startsWith('-');
  const [int = '0', frac = ''] = (neg ? s.slice(1) : s).split('.');
  const kept = frac.replace(/0+$/, '');
  if (kept.length > scale) return s; // more digits than the results type: shown as is, so a test sees it
  const unscaled = BigInt(`${int}${kept.padEnd(scale, '0')}`);
  return renderDecimal(neg ? -unscaled : unscaled, scale);
}

const DIGITS: Record<TimeUnit, number> = { ms: 3, us: 6, ns: 9 };

/** `HH:MM:SS[.f]` with exactly the unit's fraction digits (more only when they are not zeros). */
function clockText(s: string, unit: TimeUnit): string {
  const [hms, frac = ''] = s.split('.');
  const full = frac.padEnd(9, '0');
  const want = DIGITS[unit];
  const fraction = /^0*$/.test(full.slice(want)) ? full.slice(0, want) : full.replace(/0+$/, '');
  return `${hms}.${fraction}`;
}

/** A JSON column's value, parsed with every number kept as its text, converted by the logical type. */
type Parsed = null | boolean | string | { num: string } | Parsed[] | Map<string, Parsed>;

function fromJson(type: LogicalType, v: Parsed): Json {
  if (v === null) return null;
  if (typeof v === 'object' && 'num' in v && !(v instanceof Map) && !Array.isArray(v)) {
    const text = v.num;
    if (type.kind === 'int') return type.bits === 64 ? text : Number(text);
    if (type.kind === 'decimal') return decimalText(text, type.scale);
    return renderFloat(Number(text));
  }
  if (type.kind === 'list') return (v as Parsed[]).map((x) => fromJson(type.element.type, x));
  if (type.kind === 'struct') {
    const m = v as Map<string, Parsed>;
    return Object.fromEntries(type.fields.map((f) => [f.name, fromJson(f.type, m.get(f.name) ?? null)]));
  }
  if (type.kind === 'map') {
    const entries: [Parsed, Parsed][] =
      v instanceof Map
        ? [...v.entries()]
        : (v as Parsed[]).map((e) => {
            const m = e as Map<string, Parsed>;
            return [m.get('key') ?? null, m.get('value') ?? null];
          });
    return entries.map(([k, x]) => ({
      key: fromJson(type.key.type, k),
      value: fromJson(type.value.type, x),
    }));
  }
  return v as Json; // booleans, strings (text, ISO temporal values, base64, "NaN")
}

/** A small JSON parser that keeps number literals as text and object keys in order. */
class JsonText {
  #i = 0;
  constructor(private readonly s: string) {}

  value(): Parsed {
    this.#ws();
    const c = this.s[this.#i];
    if (c === '{') return this.#object();
    if (c === '[') return this.#array();
    if (c === '"') return this.#string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.#i)) {
        this.#i += word.length;
        return v;
      }
    }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.#i, this.#i + 400));
    if (!m) throw new Error(`bad JSON at ${this.#i}: ${this.s.slice(0, 80)}`);
    this.#i += m[0].length;
    return { num: m[0] };
  }

  #ws() {
    while (/\s/.test(this.s[this.#i] ?? '')) this.#i++;
  }

  #string(): string {
    const start = this.#i;
    this.#i++;
    while (this.s[this.#i] !== '"') this.#i += this.s[this.#i] === '\\' ? 2 : 1;
    this.#i++;
    return JSON.parse(this.s.slice(start, this.#i)) as string;
  }

  #array(): Parsed[] {
    const out: Parsed[] = [];
    this.#i++;
    this.#ws();
    if (this.s[this.#i] === ']') {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.#ws();
      if (this.s[this.#i++] === ']') return out;
    }
  }

  #object(): Map<string, Parsed> {
    const out = new Map<string, Parsed>();
    this.#i++;
    this.#ws();
    if (this.s[this.#i] === '}') {
      this.#i++;
      return out;
    }
    for (;;) {
      this.#ws();
      const k = this.#string();
      this.#ws();
      this.#i++; // ':'
      out.set(k, this.value());
      this.#ws();
      if (this.s[this.#i++] === '}') return out;
    }
  }
}
