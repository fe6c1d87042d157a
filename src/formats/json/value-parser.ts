import type { LogicalType, Value } from '../../domain/schema/index.js';
import { EXPONENT, INT, toJsonText } from './json-value.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, Lexer, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './lexer.js';
import { unscaled } from './numbers.js';
import { JsonParser } from './parser.js';

const BOOLEAN = 0;
const INT64 = 1;
const DECIMAL_T = 2;
const DOUBLE = 3;
const STRING = 4;
const LIST = 5;
const STRUCT = 6;

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** How to read a value of one inferred type straight from the text (one plan per place in the schema). */
export class Plan {
  /** For a struct: field index by key, and the last object's keys by position (the guess for the next). */
  readonly index = new Map<string, number>();
  readonly lastKeys: string[] = [];
  readonly lastIndex: number[] = [];
  readonly fields: Plan[] = [];
  readonly element: Plan | undefined;
  readonly code: number;
  readonly scale: number;

  constructor(type: LogicalType) {
    this.scale = type.kind === 'decimal' ? type.scale : 0;
    this.element = type.kind === 'list' ? new Plan(type.element.type) : undefined;
    this.code = codeOf(type);
    if (type.kind === 'struct') {
      type.fields.forEach((f, i) => {
        this.index.set(f.name, i);
        this.fields.push(new Plan(f.type));
      });
    }
  }
}

function codeOf(type: LogicalType): number {
  switch (type.kind) {
    case 'boolean':
      return BOOLEAN;
    case 'int':
      return INT64;
    case 'decimal':
      return DECIMAL_T;
    case 'double':
      return DOUBLE;
    case 'string':
      return STRING;
    case 'list':
      return LIST;
    case 'struct':
      return STRUCT;
    default:
      throw new TypeError(`JSON inference never produces ${type.kind}`);
  }
}

/** A value that does not fit the type the first pass inferred: the file changed between the passes. */
class DoesNotFit extends Error {}

/**
 * The read pass: converts each row's text straight into Values (values.ts) by its inferred types. int64
 * and decimals go from the literal's digits to a bigint, doubles through Number, and a value in a string
 * column keeps its source text (objects and arrays: compact JSON text, json-value.ts toJsonText).
 */
export class ValueParser extends Lexer {
  private readonly tree = new JsonParser();

  /** Reads the object at s[start, end) into `out` (one slot per field of `plan`, set to null first). */
  rowInto(plan: Plan, s: string, start: number, end: number, out: Value[]): void {
    this.reset(s, start, end);
    if (this.peek('a value') !== OPEN_BRACE) throw new DoesNotFit('a row is not an object');
    out.fill(null);
    this.structInto(plan, out);
    this.expectEnd();
  }

  private value(plan: Plan): Value {
    const c = this.peek('a value');
    if (c === 0x6e) {
      this.literal('null');
      return null;
    }
    switch (plan.code) {
      case STRING:
        return this.text(c);
      case INT64:
        if (this.scanNumber() !== INT) break;
        return BigInt(this.s.slice(this.numStart, this.i));
      case DECIMAL_T: {
        if (this.scanNumber() === EXPONENT || this.scale > plan.scale) break;
        return this.unscaled(this.scale, plan.scale);
      }
      case DOUBLE:
        this.scanNumber();
        return Number.parseFloat(this.s.slice(this.numStart, this.i)); // as Number() for a JSON literal, faster
      case BOOLEAN:
        if (c === 0x74) {
          this.literal('true');
          return true;
        }
        this.literal('false');
        return false;
      case LIST:
        if (c !== OPEN_BRACKET) break;
        return this.list(plan.element!);
      case STRUCT: {
        if (c !== OPEN_BRACE) break;
        const out = new Array<Value>(plan.fields.length).fill(null);
        this.structInto(plan, out);
        return out;
      }
    }
    throw new DoesNotFit('a value does not fit its inferred type');
  }

  /** The number just scanned as a decimal's unscaled value at `scale`. */
  private unscaled(ownScale: number, scale: number): bigint {
    const pad = scale - ownScale;
    if (this.intDigits + scale > 15) return unscaled(this.s.slice(this.numStart, this.i), ownScale, scale);
    // Up to 15 digits are exact in a double: no strings to build, one bigint from a number.
    const s = this.s;
    let m = 0;
    for (let k = this.numStart; k < this.i; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x30) m = m * 10 + (c - 0x30); // skips '-' and '.'
    }
    m *= POW10[pad]!;
    return BigInt(s.charCodeAt(this.numStart) === 0x2d ? -m : m);
  }

  /** A value in a string column: a string as it is, anything else as its JSON text. */
  private text(c: number): string {
    if (c === QUOTE) {
      const from = this.i + 1;
      return this.stringValue(from, this.scanString());
    }
    if (c === 0x74) {
      this.literal('true');
      return 'true';
    }
    if (c === 0x66) {
      this.literal('false');
      return 'false';
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const v = this.tree.parse(this.s, this.i, this.end, false);
      this.i = this.tree.pos;
      return toJsonText(v);
    }
    this.scanNumber();
    return this.s.slice(this.numStart, this.i);
  }

  private structInto(plan: Plan, out: Value[]): void {
    this.enter();
    this.i++;
    let c = this.peek("a key or '}'");
    if (c === CLOSE_BRACE) {
      this.i++;
      this.depth--;
      return;
    }
    for (let k = 0; ; k++) {
      if (c !== QUOTE) throw this.error(`expected a "quoted" key, found ${this.shown(this.i)}`);
      let at: number | undefined;
      if (this.matchKey(plan.lastKeys[k])) at = plan.lastIndex[k]!;
      else {
        const from = this.i + 1;
        const key = this.stringValue(from, this.scanString());
        at = plan.index.get(key);
        if (at === undefined) throw new DoesNotFit(`a key the first pass did not see: "${key}"`);
        if (!this.escaped) {
          plan.lastKeys[k] = key;
          plan.lastIndex[k] = at;
        }
      }
      if (this.peek("':'") !== COLON)
        throw this.error(`expected ':' after a key, found ${this.shown(this.i)}`);
      this.i++;
      out[at] = this.value(plan.fields[at]!);
      c = this.peek("',' or '}'");
      this.i++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA)
        throw this.errorAt(this.i - 1, `expected ',' or '}' in an object, found ${this.shown(this.i - 1)}`);
      c = this.peek('a key');
    }
    this.depth--;
  }

  private list(element: Plan): Value[] {
    this.enter();
    this.i++;
    const out: Value[] = [];
    if (this.peek("a value or ']'") === CLOSE_BRACKET) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value(element));
      const c = this.peek("',' or ']'");
      this.i++;
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA)
        throw this.errorAt(this.i - 1, `expected ',' or ']' in an array, found ${this.shown(this.i - 1)}`);
    }
    this.depth--;
    return out;
  }
}
