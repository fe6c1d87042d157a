import type { OpenedResults } from '../../formats/reader.js';
import type { PlannedColumn } from '../../publish/plan.js';
import { mysqlDialect } from './dialect.js';
import { type FieldText, fieldText, isBinaryLoad, isFreeText } from './values.js';

/**
 * The text LOAD DATA reads: `FIELDS TERMINATED BY '\t' ESCAPED BY '\\' LINES TERMINATED BY '\n'` (MySQL's
 * defaults, spelled out), NULL as `\N`. Inside a field a backslash, tab, newline, CR and NUL are written as
 * `\\ \t \n \r \0`, so an empty field is an empty string and the text `\N` stays text. Binary columns go as
 * hex into a user variable and are stored with `SET col = UNHEX(@v)`: raw bytes would have to be valid
 * utf8mb4, the character set the statement declares.
 */
export const NULL_FIELD = '\\N';

/** Characters of text per chunk: at most 4 MiB of UTF-8, far below the 16 MiB protocol packet. */
export const CHUNK_CHARS = 1 << 20;

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};

export function escapeField(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : s;
}

export interface LoadColumn {
  /** In the LOAD DATA column list: the quoted column, or the user variable that fills it. */
  readonly target: string;
  /** `SET col = UNHEX(@v)` for a binary column, else undefined. */
  readonly set: string | undefined;
  readonly sourceIndex: number;
  /** A non-null value as its escaped field; throws a named error for a value MySQL cannot hold. */
  readonly encode: FieldText;
}

export function loadColumns(columns: readonly PlannedColumn[]): LoadColumn[] {
  return columns.map((c, i) => {
    const quoted = mysqlDialect.quoteIdent(c.name);
    const text = fieldText(c);
    const encode: FieldText = isFreeText(c) ? (v, row) => escapeField(text(v, row)) : text;
    if (isBinaryLoad(c))
      return { target: `@v${i}`, set: `${quoted} = UNHEX(@v${i})`, sourceIndex: c.sourceIndex, encode };
    return { target: quoted, set: undefined, sourceIndex: c.sourceIndex, encode };
  });
}

export function loadDataSql(into: string, cols: readonly LoadColumn[]): string {
  const sets = cols.flatMap((c) => (c.set ? [c.set] : []));
  return [
    `LOAD DATA LOCAL INFILE 'jobpub.tsv' INTO TABLE ${into} CHARACTER SET utf8mb4`,
    // Hex literals: the same bytes whatever the session's NO_BACKSLASH_ESCAPES says.
    `FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A'`,
    `(${cols.map((c) => c.target).join(', ')})`,
    ...(sets.length > 0 ? [`SET ${sets.join(', ')}`] : []),
  ].join('\n');
}

/** The rows as text chunks (Buffers), in bounded memory: at most one batch and one chunk at a time. */
export async function* tsvChunks(
  results: OpenedResults,
  cols: readonly LoadColumn[],
  onChunk: (rows: number, bytes: number) => void,
): AsyncGenerator<Buffer> {
  const width = cols.length;
  const encoders = cols.map((c) => c.encode);
  let row = 0;
  let bytes = 0;
  let text = '';
  for await (const batch of results.batches()) {
    const columns = cols.map((c) => batch.columns[c.sourceIndex]!);
    for (let i = 0; i < batch.numRows; i++, row++) {
      for (let c = 0; c < width; c++) {
        const v = columns[c]!.get(i);
        text += `${c === 0 ? '' : '\t'}${v === null ? NULL_FIELD : encoders[c]!(v, row)}`;
      }
      text += '\n';
      if (text.length >= CHUNK_CHARS) {
        const chunk = Buffer.from(text, 'utf8');
        text = '';
        bytes += chunk.length;
        yield chunk;
        onChunk(row + 1, bytes);
      }
    }
  }
  if (text.length > 0) {
    const chunk = Buffer.from(text, 'utf8');
    bytes += chunk.length;
    yield chunk;
  }
  onChunk(row, bytes);
}
