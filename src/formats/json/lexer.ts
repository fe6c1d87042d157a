import { DECIMAL, EXPONENT, INT, type NumberKind } from './json-value.js';

/** Invalid JSON, at an index of the parsed string (the row's group turns it into a line and column). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    /** Index into the parsed string where the problem is. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Deeper nesting than this is refused rather than overflowing the call stack. */
export const MAX_DEPTH = 512;

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * The tokens of JSON over one range of a string, shared by the three parsers (tree, inference, values).
 * Every range is complete (a whole line, or a whole array element found by element-scanner.ts), so
 * running off its end is a syntax error, never a reason to wait for more text.
 */
export class Lexer {
  protected s = '';
  protected i = 0;
  protected end = 0;
  protected depth = 0;
  /** Set by scanString: whether the string just scanned holds a backslash escape. */
  protected escaped = false;
  /** Set by scanNumber. */
  protected numStart = 0;
  protected intDigits = 0;
  protected scale = 0;

  /** Where the last parse stopped. */
  get pos(): number {
    return this.i;
  }

  protected reset(s: string, start: number, end: number): void {
    this.s = s;
    this.i = start;
    this.end = end;
    this.depth = 0;
  }

  /** After a top-level value: only whitespace may remain in the range. */
  protected expectEnd(): void {
    this.skipWs();
    if (this.i < this.end) throw this.error(`more text after the value: ${this.shown(this.i)}`);
  }

  protected skipWs(): void {
    const s = this.s;
    let i = this.i;
    while (i < this.end) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  /** The next non-whitespace character code; a syntax error naming `wanted` at the end of the range. */
  protected peek(wanted: string): number {
    this.skipWs();
    if (this.i >= this.end) throw this.error(`the value is cut off: expected ${wanted}`);
    return this.s.charCodeAt(this.i);
  }

  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw this.error(`values nested deeper than ${MAX_DEPTH} levels`);
  }

  /**
   * Checks a string at `i` (on its opening quote) and moves past it; returns the index of its closing
   * quote. Sets `escaped` when it holds an escape (then stringValue decodes it).
   */
  protected scanString(): number {
    const s = this.s;
    const end = this.end;
    let i = this.i + 1;
    let escaped = false;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        this.i = i + 1;
        this.escaped = escaped;
        return i;
      }
      if (c === BACKSLASH) {
        escaped = true;
        i = this.checkEscape(i);
      } else if (c < 0x20) {
        throw this.errorAt(i, `a string holds an unescaped control character U+${hex4(c)}`);
      }
    }
    throw this.errorAt(end, 'the value is cut off: expected the closing " of a string');
  }

  /**
   * Checks the escape at `i` (on its backslash); returns the index of its last character. A \\u escape
   * of a UTF-16 surrogate must be half of a pair: a lone one is no character, and would turn into U+FFFD
   * (silently) on the way to any target, so it is refused here.
   */
  private checkEscape(i: number): number {
    if (i + 1 >= this.end) throw this.errorAt(i, 'the value is cut off inside a string');
    const e = this.s[i + 1]!;
    if (e !== 'u') {
      if (ESCAPES[e] === undefined) throw this.errorAt(i, `invalid escape \\${e} in a string`);
      return i + 1;
    }
    const unit = this.hexEscape(i);
    if (unit < 0xd800 || unit > 0xdfff) return i + 5;
    const low = unit <= 0xdbff && this.s.startsWith('\\u', i + 6) ? this.hexEscape(i + 6) : -1;
    if (low < 0xdc00 || low > 0xdfff) {
      throw this.errorAt(
        i,
        `a string holds a lone UTF-16 surrogate \\u${hex4(unit)}, which is not a character`,
      );
    }
    return i + 11;
  }

  /** The code unit of the \\uXXXX escape at `i`. */
  private hexEscape(i: number): number {
    const hex = this.s.slice(i + 2, Math.min(i + 6, this.end));
    if (!HEX4.test(hex)) throw this.errorAt(i, `invalid escape \\u${hex} in a string`);
    return Number.parseInt(hex, 16);
  }

  /** The value of the string scanned last, whose quotes are at from - 1 and to. */
  protected stringValue(from: number, to: number): string {
    return this.escaped ? decodeEscapes(this.s, from, to) : this.s.slice(from, to);
  }

  /** Scans a number literal at `i` and moves past it; sets numStart, intDigits and scale. */
  protected scanNumber(): NumberKind {
    const s = this.s;
    const end = this.end;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === MINUS) i++;
    const c = i < end ? s.charCodeAt(i) : 0;
    let intDigits = 0;
    if (c === ZERO) {
      i++;
      if (i < end && isDigit(s.charCodeAt(i))) throw this.errorAt(start, 'invalid number: a leading zero');
    } else if (c > ZERO && c <= NINE) {
      const from = i;
      while (i < end && isDigit(s.charCodeAt(i))) i++;
      intDigits = i - from;
    } else {
      throw this.errorAt(i, `invalid number: expected a digit, found ${this.shown(i)}`);
    }
    let kind: NumberKind = INT;
    let scale = 0;
    if (i < end && s.charCodeAt(i) === DOT) {
      const from = ++i;
      while (i < end && isDigit(s.charCodeAt(i))) i++;
      if (i === from) throw this.errorAt(i, `invalid number: expected a digit, found ${this.shown(i)}`);
      scale = i - from;
      kind = DECIMAL;
    }
    let e = i < end ? s.charCodeAt(i) : 0;
    if (e === 0x65 || e === 0x45) {
      i++;
      e = i < end ? s.charCodeAt(i) : 0;
      if (e === 0x2b || e === MINUS) i++;
      const from = i;
      while (i < end && isDigit(s.charCodeAt(i))) i++;
      if (i === from) throw this.errorAt(i, `invalid number: expected a digit, found ${this.shown(i)}`);
      kind = EXPONENT;
    }
    this.i = i;
    this.numStart = start;
    this.intDigits = intDigits;
    this.scale = scale;
    return kind;
  }

  /** Moves past `true`, `false` or `null` at `i`. */
  protected literal(word: string): void {
    const i = this.i;
    if (i + word.length > this.end || !this.s.startsWith(word, i)) {
      throw this.error(`expected a value, found ${this.shown(i)}`);
    }
    this.i = i + word.length;
  }

  /** A key at `i` (on its quote) equal to `predicted` is passed over without building a string. */
  protected matchKey(predicted: string | undefined): boolean {
    if (predicted === undefined) return false;
    const at = this.i + 1;
    const close = at + predicted.length;
    const s = this.s;
    if (close >= this.end || s.charCodeAt(close) !== QUOTE) return false;
    for (let k = 0; k < predicted.length; k++)
      if (s.charCodeAt(at + k) !== predicted.charCodeAt(k)) return false;
    this.i = close + 1;
    return true;
  }

  protected error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.i);
  }

  protected errorAt(at: number, message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, at);
  }

  /** A character for an error message: printable ones quoted, others as U+XXXX. */
  protected shown(at: number): string {
    if (at >= this.end) return 'the end';
    const ch = this.s.codePointAt(at)!;
    return ch >= 0x20 && ch !== 0x7f ? `'${String.fromCodePoint(ch)}'` : `U+${hex4(ch)}`;
  }
}

/** The value of string content s[from, to) that holds escapes (already checked by scanString). */
function decodeEscapes(s: string, from: number, to: number): string {
  let out = '';
  let run = from;
  for (let i = from; i < to; i++) {
    if (s.charCodeAt(i) !== BACKSLASH) continue;
    out += s.slice(run, i);
    const e = s[i + 1]!;
    if (e === 'u') {
      out += String.fromCharCode(Number.parseInt(s.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      out += ESCAPES[e]!;
      i += 1;
    }
    run = i + 1;
  }
  return out + s.slice(run, to);
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
