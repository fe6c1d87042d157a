import { inputError } from '../../errors/index.js';
import { CsvRecord, NULL_FIELD, UNESCAPED_FIELD } from './record.js';

/** Receives each record (reused for the next one: copy out what must outlive the call). */
export type RecordSink = (record: CsvRecord) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * An RFC 4180 record parser over text that arrives in pieces (see chunk-feed.ts). Fields are `"quoted"`
 * (delimiters, line ends and doubled quotes `""` inside) or bare (a `"` inside a bare field is kept as
 * is). Records end with LF or CRLF; a lone CR is data. After a closing quote only a delimiter or a line
 * end may follow.
 *
 * Speed: the text must be a flat string (not `a + b`, whose every charCodeAt goes through the halves),
 * and fields are found with indexOf, which scans natively; a charCodeAt loop is slower even on short fields.
 */
export class CsvParser {
  /** The physical line the next record starts on. */
  line = 1;
  private readonly record = new CsvRecord();

  constructor(
    private readonly delimiter: string,
    private readonly file: string,
    private readonly sink: RecordSink,
  ) {}

  /**
   * Hands every whole record of `text` to the sink and returns where the first incomplete one starts
   * (text.length when none is). With `final`, the end of the text ends the last record.
   */
  parse(text: string, final: boolean): number {
    const n = text.length;
    const d = this.delimiter;
    const dc = d.charCodeAt(0);
    const record = this.record;
    record.text = text;
    let starts = record.starts;
    let ends = record.ends;
    let i = 0;
    let line = this.line;
    // Where the next delimiter and line feed are (n: none), kept while still ahead of i.
    let nextDelimiter = -1;
    let nextLineFeed = -1;
    while (i < n) {
      const recordStart = i;
      const recordLine = line;
      let count = 0;
      for (;;) {
        let ended: boolean;
        if (count === starts.length) {
          record.reserve(count);
          starts = record.starts;
          ends = record.ends;
        }
        if (text.charCodeAt(i) === QUOTE) {
          let from = i + 1;
          let kept = '';
          let q: number;
          for (;;) {
            q = text.indexOf('"', from);
            if (q < 0 || (q + 1 === n && !final)) {
              if (q < 0 && final)
                throw this.error(line, 'a quoted field is not closed before the end of the file');
              this.line = recordLine;
              return recordStart;
            }
            if (text.charCodeAt(q + 1) !== QUOTE) break;
            kept += text.slice(from, q + 1);
            from = q + 2;
          }
          if (kept === '') {
            starts[count] = from;
            ends[count] = q;
          } else {
            starts[count] = UNESCAPED_FIELD;
            record.unescaped[count] = kept + text.slice(from, q);
          }
          if (nextLineFeed < q) {
            // Line feeds inside the quotes still count as physical lines.
            let at = nextLineFeed < i ? text.indexOf('\n', i) : nextLineFeed;
            for (; at >= 0 && at < q; at = text.indexOf('\n', at + 1)) line++;
            nextLineFeed = at < 0 ? n : at;
          }
          i = q + 1;
          const c = text.charCodeAt(i);
          if (c === dc) {
            i++;
            ended = false;
          } else if (c === LF) {
            i++;
            ended = true;
          } else if (c === CR && text.charCodeAt(i + 1) === LF) {
            i += 2;
            ended = true;
          } else if (i === n || (c === CR && i + 1 === n)) {
            if (!final) {
              this.line = recordLine;
              return recordStart;
            }
            i = n;
            ended = true;
          } else {
            throw this.error(
              line,
              `unexpected ${JSON.stringify(text[i])} after the closing quote of a field`,
            );
          }
          if (ended) line++;
        } else {
          if (nextDelimiter < i) {
            nextDelimiter = text.indexOf(d, i);
            if (nextDelimiter < 0) nextDelimiter = n;
          }
          if (nextLineFeed < i) {
            nextLineFeed = text.indexOf('\n', i);
            if (nextLineFeed < 0) nextLineFeed = n;
          }
          if (nextDelimiter < nextLineFeed) {
            starts[count] = nextDelimiter === i ? NULL_FIELD : i;
            ends[count] = nextDelimiter;
            i = nextDelimiter + 1;
            ended = false;
          } else {
            if (nextLineFeed === n && !final) {
              this.line = recordLine;
              return recordStart;
            }
            let end = nextLineFeed;
            if (end > i && text.charCodeAt(end - 1) === CR) end--;
            starts[count] = end === i ? NULL_FIELD : i;
            ends[count] = end;
            i = nextLineFeed + 1;
            line++;
            ended = true;
          }
        }
        count++;
        if (ended) break;
      }
      record.count = count;
      record.line = recordLine;
      this.sink(record);
    }
    this.line = line;
    return n;
  }

  private error(line: number, problem: string) {
    return inputError('RESULTS_INVALID', problem, { file: this.file, line });
  }
}
