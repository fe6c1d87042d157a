import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { Value } from '../../domain/schema/values.js';
import type { LoadRequest } from '../contract.js';
import { mysqlDialect, qualified } from './dialect.js';
import { failOnWarnings, mapMysqlError } from './errors.js';
import { type FieldText, fieldText, isBinaryLoad } from './values.js';

/**
 * The fallback loader, for servers that refuse LOAD DATA LOCAL (local_infile is OFF by default on MySQL
 * 8): multi-row INSERT statements of about 1 MiB each, into the same staging table, with the same value
 * texts. Slower, and the session's strict mode turns a bad value into an error of the statement; any
 * warning or note left still fails the load.
 */
const STATEMENT_CHARS = 1 << 20;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and Ctrl-Z are exactly what must be escaped
const LITERAL_SPECIAL = /[\\'\0\n\r\x1a]/g;
const LITERAL_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
};

/** A string literal for a session without NO_BACKSLASH_ESCAPES (jobpub sets its own sql_mode). */
export function sqlLiteral(text: string): string {
  return `'${text.replace(LITERAL_SPECIAL, (c) => LITERAL_ESCAPES[c]!)}'`;
}

export async function insertRows(conn: Connection, req: LoadRequest): Promise<number> {
  const into = qualified(req.into);
  const head = `INSERT INTO ${into} (${req.columns.map((c) => mysqlDialect.quoteIdent(c.name)).join(', ')}) VALUES `;
  const cols = req.columns.map((c) => ({
    sourceIndex: c.sourceIndex,
    literal: literalOf(fieldText(c), isBinaryLoad(c)),
  }));
  let written = 0;
  let first = 0;
  let row = 0;
  let tuples: string[] = [];
  let size = 0;
  const flush = async () => {
    const what = `inserting rows ${first + 1} to ${row} of the results into ${into}`;
    let header: ResultSetHeader;
    try {
      [header] = await conn.query<ResultSetHeader>(head + tuples.join(','));
    } catch (e) {
      throw mapMysqlError(e, what);
    }
    await failOnWarnings(conn, header, what);
    written += header.affectedRows;
    req.onProgress(row, 0);
    tuples = [];
    size = 0;
    first = row;
  };
  for await (const batch of req.results.batches()) {
    const columns = cols.map((c) => batch.columns[c.sourceIndex]!);
    for (let i = 0; i < batch.numRows; i++) {
      const tuple = `(${cols.map((c, k) => c.literal(columns[k]!.get(i), row)).join(',')})`;
      row++;
      tuples.push(tuple);
      size += tuple.length;
      if (size >= STATEMENT_CHARS) await flush();
    }
  }
  if (tuples.length > 0) await flush();
  return written;
}

function literalOf(text: FieldText, binary: boolean) {
  return (v: Value, row: number): string => {
    if (v === null) return 'NULL';
    const t = text(v, row);
    return binary ? `X'${t}'` : sqlLiteral(t);
  };
}
