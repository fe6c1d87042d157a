import { inputError } from '../../errors/index.js';
import type { RowGroup } from './row-group.js';
import { skipJsonWs } from './text-util.js';

/** The rows of one piece of JSON Lines text, with the line number of each. */
class LineGroup implements RowGroup {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly lines: number[] = [];
  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  syntaxError(k: number, offset: number, problem: string) {
    // A row starts at its first non-blank character; the column counts from the start of the line.
    const lineStart = this.text.lastIndexOf('\n', this.starts[k]! - 1) + 1;
    return inputError('RESULTS_INVALID', `invalid JSON at character ${offset - lineStart + 1}: ${problem}`, {
      file: this.file,
      line: this.lines[k]!,
    });
  }

  notObject(k: number, what: string) {
    return inputError('RESULTS_INVALID', `the line holds ${what}, not a JSON object (one object per line)`, {
      file: this.file,
      line: this.lines[k]!,
    });
  }
}

/**
 * The rows of a JSON Lines text: one value per line, blank lines skipped, `\r\n` accepted. A line longer
 * than a piece is kept in pieces until its line feed arrives, then joined once.
 */
export async function* lineRows(
  file: string,
  texts: AsyncIterator<string>,
  head: string,
  firstLine: number,
): AsyncGenerator<RowGroup> {
  let line = firstLine;
  let pending: string[] = []; // the start of an unfinished line (no line feed in it)
  let piece: string | undefined = head;
  while (piece !== undefined) {
    let nl = piece.indexOf('\n');
    if (nl < 0) {
      pending.push(piece);
      piece = await nextText(texts);
      continue;
    }
    let text = piece;
    if (pending.length > 0) {
      pending.push(piece);
      text = pending.join('');
      nl += text.length - piece.length;
      pending = [];
    }
    const group = new LineGroup(file, text);
    let pos = 0;
    for (; nl >= 0; nl = text.indexOf('\n', pos)) {
      addLine(group, pos, nl, line++);
      pos = nl + 1;
    }
    if (pos < text.length) pending.push(text.slice(pos));
    if (group.starts.length > 0) yield group;
    piece = await nextText(texts);
  }
  if (pending.length > 0) {
    const group = new LineGroup(file, pending.join(''));
    addLine(group, 0, group.text.length, line);
    if (group.starts.length > 0) yield group;
  }
}

function addLine(group: LineGroup, start: number, end: number, line: number): void {
  const first = skipJsonWs(group.text, start, end);
  if (first >= end) return; // blank
  group.starts.push(first);
  group.ends.push(end);
  group.lines.push(line);
}

async function nextText(texts: AsyncIterator<string>): Promise<string | undefined> {
  const r = await texts.next();
  return r.done ? undefined : r.value;
}
