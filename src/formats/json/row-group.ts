import type { JobpubError } from '../../errors/index.js';

/**
 * The rows found in one streamed piece of text: each row is the range text[starts[k], ends[k]), one whole
 * JSON value (a line, or an element of the top-level array). Grouping keeps the async overhead to one
 * step per piece, and lets the parsers run over the text without copying it.
 */
export interface RowGroup {
  readonly text: string;
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  /** An error for a syntax problem at `offset` (an index into text) in row k, naming file and line. */
  syntaxError(k: number, offset: number, problem: string): JobpubError;
  /** An error for row k being `what` ("a number", "an array", ...) rather than an object. */
  notObject(k: number, what: string): JobpubError;
}
