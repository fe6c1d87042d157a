/** starts[c] of an unquoted empty field: NULL. */
export const NULL_FIELD = -1;
/** starts[c] of a quoted field that held doubled quotes: its value is unescaped[c], not a slice. */
export const UNESCAPED_FIELD = -2;

/**
 * One parsed record, as ranges of the parser's text rather than strings, so a value is only copied out
 * when it must be kept (a string column's values): inference reads numbers and dates in place. Reused
 * for every record; read it in the sink call and copy what must outlive it.
 */
export class CsvRecord {
  text = '';
  count = 0;
  /** The physical line the record starts on. */
  line = 0;
  /** Field c is text[starts[c], ends[c]), or NULL_FIELD, or UNESCAPED_FIELD. */
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  unescaped: string[] = [];

  /** The value of field c: null for NULL (an unquoted empty field), `''` for `""`. */
  value(c: number): string | null {
    const start = this.starts[c]!;
    if (start >= 0) return this.text.slice(start, this.ends[c]);
    return start === NULL_FIELD ? null : this.unescaped[c]!;
  }

  isNull(c: number): boolean {
    return this.starts[c] === NULL_FIELD;
  }

  /** Makes room for field c. */
  reserve(c: number): void {
    if (c < this.starts.length) return;
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
