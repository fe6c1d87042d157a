import { inputError } from '../../errors/index.js';
import { ElementScanner } from './element-scanner.js';
import { JsonSyntaxError } from './lexer.js';
import { JsonParser } from './parser.js';
import type { RowGroup } from './row-group.js';
import { countNewlines, skipJsonWs } from './text-util.js';

const FIRST = 0; // just after '[': an element or ']'
const NEXT = 1; // just after ',': an element
const AFTER = 2; // just after an element: ',' or ']'
const DONE = 3; // after the closing ']': only whitespace may follow

/** A window of the file's text and where it starts, to turn an index into it into a line and column. */
class Window {
  constructor(
    readonly file: string,
    readonly text: string,
    /** Line feeds before the window. */
    readonly linesBefore: number,
    /** The column (0-based) of the window's first character. */
    readonly startColumn: number,
  ) {}

  /** The window without its first `keep` characters, followed by `more`. */
  next(keep: number, more: string): Window {
    const lastLf = keep > 0 ? this.text.lastIndexOf('\n', keep - 1) : -1;
    return new Window(
      this.file,
      this.text.slice(keep) + more,
      this.linesBefore + countNewlines(this.text, 0, keep),
      lastLf >= 0 ? keep - lastLf - 1 : this.startColumn + keep,
    );
  }

  line(offset: number): number {
    return this.linesBefore + countNewlines(this.text, 0, offset) + 1;
  }

  syntaxError(offset: number, problem: string) {
    const lineStart = offset === 0 ? -1 : this.text.lastIndexOf('\n', offset - 1);
    const column = lineStart >= 0 ? offset - lineStart : this.startColumn + offset + 1;
    return inputError('RESULTS_INVALID', `invalid JSON at character ${column}: ${problem}`, {
      file: this.file,
      line: this.line(offset),
    });
  }
}

/** Elements of the top-level array found in one window. */
class ElementGroup implements RowGroup {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly text: string;
  constructor(
    readonly window: Window,
    readonly firstIndex: number,
  ) {
    this.text = window.text;
  }

  syntaxError(_k: number, offset: number, problem: string) {
    return this.window.syntaxError(offset, problem);
  }

  notObject(k: number, what: string) {
    return inputError(
      'RESULTS_INVALID',
      `element [${this.firstIndex + k}] of the top-level array is ${what}, not a JSON object`,
      { file: this.window.file, line: this.window.line(this.starts[k]!) },
    );
  }
}

/**
 * The elements of one top-level JSON array, streamed. The text is held in a window that starts at the
 * first element not yet handed out, so memory is bounded by the largest element plus one piece, never the
 * file. ElementScanner finds where each element ends; the parsers then see only whole elements.
 */
export async function* arrayRows(
  file: string,
  texts: AsyncIterator<string>,
  head: string,
  open: number,
  linesBefore: number,
): AsyncGenerator<RowGroup> {
  const scanner = new ElementScanner();
  let w = new Window(file, head, linesBefore, 0);
  let pos = open + 1;
  let state = FIRST;
  let index = 0;
  let group = new ElementGroup(w, index);

  /** Lets go of the text before `keep` and appends the next piece; false at the end of the file. */
  const more = async (keep: number): Promise<boolean> => {
    const r = await texts.next();
    if (r.done) return false;
    w = w.next(keep, r.value);
    group = new ElementGroup(w, index);
    return true;
  };

  for (;;) {
    pos = skipJsonWs(w.text, pos);
    if (pos >= w.text.length) {
      if (group.starts.length > 0) yield group;
      if (await more(w.text.length)) {
        pos = 0;
        continue;
      }
      if (state === DONE) return;
      throw truncated(file);
    }
    const c = w.text.charCodeAt(pos);
    if (state === DONE) throw w.syntaxError(pos, 'more text after the closing ] of the top-level array');
    if (state === AFTER) {
      if (c === 0x2c) state = NEXT;
      else if (c === 0x5d) state = DONE;
      else throw w.syntaxError(pos, "expected ',' or ']' after an element of the top-level array");
      pos++;
      continue;
    }
    if (state === FIRST && c === 0x5d) {
      state = DONE;
      pos++;
      continue;
    }
    scanner.begin(c);
    let end = scanner.scan(w.text, pos);
    while (end < 0) {
      // The element runs past the window: hand out what is complete, then keep the element's text only.
      if (group.starts.length > 0) yield group;
      const scanned = w.text.length - pos;
      if (!(await more(pos))) throw cutOff(w, pos);
      pos = 0;
      end = scanner.scan(w.text, scanned);
    }
    if (end === pos) throw w.syntaxError(pos, `expected a value, found '${w.text[pos]}'`);
    group.starts.push(pos);
    group.ends.push(end);
    index++;
    pos = end;
    state = AFTER;
  }
}

/** The file ends inside an element: a syntax error if the text so far has one, else a truncation. */
function cutOff(w: Window, pos: number) {
  try {
    new JsonParser().parse(w.text, pos, w.text.length, false);
  } catch (e) {
    if (e instanceof JsonSyntaxError && e.offset < w.text.length) return w.syntaxError(e.offset, e.message);
  }
  return truncated(w.file);
}

function truncated(file: string) {
  return inputError('RESULTS_INVALID', 'the top-level array is cut off: the file ends before its closing ]', {
    file,
  });
}
