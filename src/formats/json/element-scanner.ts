const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds where one element of a top-level array ends without parsing it, so the parsers only ever see whole
 * elements. It tracks string and bracket nesting and can stop at the end of the text and go on later with
 * more (`scan` again from where it stopped). A scalar element ends at whitespace, `,`, `]` or `}`.
 * Brackets are only counted, not matched: a mismatch is left for the parser to report precisely.
 */
export class ElementScanner {
  private depth = 0;
  private inString = false;
  private pendingEscape = false;
  private scalar = false;

  /** Starts an element whose first character is `c`. */
  begin(c: number): void {
    this.depth = 0;
    this.inString = false;
    this.pendingEscape = false;
    this.scalar = c !== 0x7b && c !== 0x5b && c !== QUOTE;
  }

  /** The index just past the element, scanning s from `from`; -1 when s ends first. */
  scan(s: string, from: number): number {
    const n = s.length;
    if (this.scalar) {
      for (let i = from; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)
          return i;
      }
      return -1;
    }
    let depth = this.depth;
    let inString = this.inString;
    let pendingEscape = this.pendingEscape;
    for (let i = from; i < n; i++) {
      const c = s.charCodeAt(i);
      if (inString) {
        if (pendingEscape) pendingEscape = false;
        else if (c === BACKSLASH) pendingEscape = true;
        else if (c === QUOTE) {
          inString = false;
          if (depth === 0) return this.done(i + 1);
        }
      } else if (c === QUOTE) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth <= 0) return this.done(i + 1);
    }
    this.depth = depth;
    this.inString = inString;
    this.pendingEscape = pendingEscape;
    return -1;
  }

  private done(end: number): number {
    this.depth = 0;
    this.inString = false;
    this.pendingEscape = false;
    return end;
  }
}
