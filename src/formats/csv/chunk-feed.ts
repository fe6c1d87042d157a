import { inputError } from '../../errors/index.js';
import type { CsvParser } from './parser.js';
import { completeUtf8Length, firstInvalidUtf8, lineFeedsIn } from './utf8.js';

const EMPTY = new Uint8Array(0);
/** A record still incomplete at this size waits until as many new bytes have come before it is parsed again,
 * so a huge quoted field spread over many chunks is rescanned a logarithmic number of times, not per chunk. */
const LONG_RECORD = 1 << 16;

/**
 * Turns a part's byte chunks into text for the parser. What the parser could not finish (a record cut by
 * the chunk border, and the bytes of a character cut by it) is carried as bytes and put in front of the
 * next chunk, so every piece is decoded into one flat string (see parser.ts) and no character is split.
 * A UTF-8 BOM at the start of the file is dropped; invalid UTF-8 is an error naming its line.
 */
export class ChunkFeed {
  private carry: Uint8Array = EMPTY;
  private waiting: Uint8Array[] = [];
  private waitingBytes = 0;
  private waitFor = 0;
  private atStart = true;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  constructor(
    private readonly parser: CsvParser,
    private readonly file: string,
  ) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    if (this.waitingBytes >= this.waitFor) this.run(false);
  }

  /** The end of the part. */
  finish(): void {
    this.run(true);
  }

  private run(final: boolean): void {
    const pieces = this.carry.length > 0 ? [this.carry, ...this.waiting] : this.waiting;
    let bytes = pieces.length === 1 ? pieces[0]! : pieces.length === 0 ? EMPTY : Buffer.concat(pieces);
    this.waiting = [];
    this.waitingBytes = 0;
    if (this.atStart) {
      if (bytes.length < 3 && !final && isBomPrefix(bytes)) {
        this.carry = bytes;
        return;
      }
      this.atStart = false;
      if (bytes.length >= 3 && isBomPrefix(bytes)) bytes = bytes.subarray(3);
    }
    const cut = final ? bytes.length : completeUtf8Length(bytes);
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(0, cut));
    } catch (e) {
      const line = this.parser.line + lineFeedsIn(bytes, Math.max(0, firstInvalidUtf8(bytes)));
      throw inputError(
        'RESULTS_INVALID',
        'the text is not valid UTF-8',
        { file: this.file, line },
        { cause: e },
      );
    }
    const stop = this.parser.parse(text, final);
    const restBytes = stop < text.length ? Buffer.byteLength(text.slice(stop), 'utf8') : 0;
    this.carry = bytes.subarray(cut - restBytes);
    this.waitFor = this.carry.length > LONG_RECORD ? this.carry.length : 0;
  }
}

function isBomPrefix(b: Uint8Array): boolean {
  return b[0] === 0xef && (b.length < 2 || b[1] === 0xbb) && (b.length < 3 || b[2] === 0xbf);
}
