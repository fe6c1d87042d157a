import {
  beginArray,
  beginObject,
  fieldOf,
  markPresent,
  noteBoolean,
  noteNull,
  noteNumber,
  noteString,
  type Shape,
} from './infer.js';
import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, Lexer, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './lexer.js';

/** A row whose value is not an object (judged by its first character): `what` names it ("a number", ...). */
export class NotAnObject extends Error {
  constructor(readonly what: string) {
    super(`${what}, not a JSON object`);
  }
}

/**
 * The inference pass over the text itself: checks every row is valid JSON and notes each value into its
 * Shape (infer.ts) without building a tree, so no object, number or string is allocated per value (only
 * the text of a key that differs from the previous object's key at the same position).
 */
export class InferParser extends Lexer {
  /** Notes the object at s[start, end) (the whole range) into `rows`. */
  row(rows: Shape, s: string, start: number, end: number): void {
    this.reset(s, start, end);
    const c = this.peek('a value');
    if (c !== OPEN_BRACE) throw new NotAnObject(this.kindAt(c));
    this.object(rows);
    this.expectEnd();
  }

  private value(shape: Shape): void {
    const c = this.peek('a value');
    if (c === QUOTE) {
      this.scanString();
      noteString(shape);
    } else if (c === OPEN_BRACE) this.object(shape);
    else if (c === OPEN_BRACKET) this.array(shape);
    else if (c === 0x74) {
      this.literal('true');
      noteBoolean(shape);
    } else if (c === 0x66) {
      this.literal('false');
      noteBoolean(shape);
    } else if (c === 0x6e) {
      this.literal('null');
      noteNull(shape);
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const kind = this.scanNumber();
      noteNumber(shape, kind, this.intDigits, this.scale, this.s, this.numStart, this.i);
    } else throw this.error(`expected a value, found ${this.shown(this.i)}`);
  }

  private object(shape: Shape): void {
    this.enter();
    this.i++;
    const st = beginObject(shape);
    let c = this.peek("a key or '}'");
    if (c === CLOSE_BRACE) {
      this.i++;
      this.depth--;
      return;
    }
    for (let k = 0; ; k++) {
      if (c !== QUOTE) throw this.error(`expected a "quoted" key, found ${this.shown(this.i)}`);
      let f: Shape;
      if (this.matchKey(st.lastKeys[k])) {
        f = st.lastFields[k]!;
        markPresent(st, f);
      } else {
        const from = this.i + 1;
        const key = this.stringValue(from, this.scanString());
        f = fieldOf(st, key);
        if (!this.escaped) {
          st.lastKeys[k] = key;
          st.lastFields[k] = f;
        }
      }
      if (this.peek("':'") !== COLON)
        throw this.error(`expected ':' after a key, found ${this.shown(this.i)}`);
      this.i++;
      this.value(f);
      c = this.peek("',' or '}'");
      this.i++;
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA)
        throw this.errorAt(this.i - 1, `expected ',' or '}' in an object, found ${this.shown(this.i - 1)}`);
      c = this.peek('a key');
    }
    this.depth--;
  }

  private array(shape: Shape): void {
    this.enter();
    this.i++;
    const element = beginArray(shape);
    if (this.peek("a value or ']'") === CLOSE_BRACKET) {
      this.i++;
      this.depth--;
      return;
    }
    for (;;) {
      this.value(element);
      const c = this.peek("',' or ']'");
      this.i++;
      if (c === CLOSE_BRACKET) break;
      if (c !== COMMA)
        throw this.errorAt(this.i - 1, `expected ',' or ']' in an array, found ${this.shown(this.i - 1)}`);
    }
    this.depth--;
  }

  /** What a value starting with `c` is, in words; a syntax error when nothing valid starts so. */
  private kindAt(c: number): string {
    if (c === OPEN_BRACKET) return 'an array';
    if (c === QUOTE) return 'a string';
    if (c === 0x74 || c === 0x66) return 'a boolean';
    if (c === 0x6e) return 'null';
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return 'a number';
    throw this.error(`expected a value, found ${this.shown(this.i)}`);
  }
}
