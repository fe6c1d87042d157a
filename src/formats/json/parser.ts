import { JsonNumber, type JsonObject, type JsonValue } from './json-value.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, Lexer, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './lexer.js';

/**
 * Parses a JSON value into a tree that keeps number literals as text (json-value.ts). The reader's hot
 * paths do not build trees (infer-parser.ts and value-parser.ts work straight off the text); this one is
 * for objects and arrays that land in a string column, and for tests.
 */
export class JsonParser extends Lexer {
  /** Parses one value at s[start, end); with `whole`, nothing but whitespace may follow it in the range. */
  parse(s: string, start: number, end: number, whole = true): JsonValue {
    this.reset(s, start, end);
    const v = this.value();
    if (whole) this.expectEnd();
    return v;
  }

  private value(): JsonValue {
    const c = this.peek('a value');
    if (c === QUOTE) {
      const from = this.i + 1;
      const to = this.scanString();
      return this.stringValue(from, to);
    }
    if (c === OPEN_BRACE) return this.object();
    if (c === OPEN_BRACKET) return this.array();
    if (c === 0x74) return this.word('true', true);
    if (c === 0x66) return this.word('false', false);
    if (c === 0x6e) return this.word('null', null);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const kind = this.scanNumber();
      return new JsonNumber(this.s.slice(this.numStart, this.i), kind, this.intDigits, this.scale);
    }
    throw this.error(`expected a value, found ${this.shown(this.i)}`);
  }

  private word<T extends JsonValue>(word: string, v: T): T {
    this.literal(word);
    return v;
  }

  private object(): JsonObject {
    this.enter();
    this.i++;
    const map: JsonObject = new Map();
    let c = this.peek("a key or '}'");
    if (c === CLOSE_BRACE) {
      this.i++;
      this.depth--;
      return map;
    }
    for (;;) {
      if (c !== QUOTE) throw this.error(`expected a "quoted" key, found ${this.shown(this.i)}`);
      const from = this.i + 1;
      const key = this.stringValue(from, this.scanString());
      if (this.peek("':'") !== COLON)
        throw this.error(`expected ':' after a key, found ${this.shown(this.i)}`);
      this.i++;
      map.set(key, this.value());
      c = this.peek("',' or '}'");
      this.i++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA)
        throw this.errorAt(this.i - 1, `expected ',' or '}' in an object, found ${this.shown(this.i - 1)}`);
      c = this.peek('a key');
    }
    this.depth--;
    return map;
  }

  private array(): JsonValue[] {
    this.enter();
    this.i++;
    const out: JsonValue[] = [];
    if (this.peek("a value or ']'") === CLOSE_BRACKET) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value());
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
