import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
} from '@duckdb/node-api';
import type { Value } from '../../domain/schema/values.js';
import { isJobpubError, JobpubError } from '../../errors/index.js';
import type { LoadRequest } from '../contract.js';
import { qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';
import { duckdbDialect, quoteIdent } from './dialect.js';
import { type Encode, encoderFor } from './values.js';

/**
 * The appender load: jobpub's reader, batch by batch, into DuckDB's appender as data chunks of typed
 * values (values.ts). Memory holds one batch and one 2,048-row chunk at a time.
 */
export async function loadWithAppender(
  conn: DuckDBConnection,
  into: TableRef,
  types: readonly DuckDBType[],
  req: LoadRequest,
): Promise<number> {
  // The appender fills every column of a table in order. When the table's columns are exactly the planned
  // ones, append to it directly; otherwise (extra columns with defaults, another order) append to a temporary
  // table of the planned columns and move the rows with one INSERT … SELECT, which applies the defaults.
  const direct = await sameColumns(
    conn,
    into,
    req.columns.map((c) => c.name),
  );
  const temp: TableRef = { namespace: 'main', name: `jobpub_load_${randomBytes(8).toString('hex')}` };
  const cols = req.columns.map((c) => quoteIdent(c.name)).join(', ');
  if (!direct) {
    await conn.run(
      `CREATE TEMP TABLE ${qualify(duckdbDialect, temp)} AS SELECT ${cols} FROM ${qualify(duckdbDialect, into)} LIMIT 0`,
    );
  }
  const appender = direct
    ? await conn.createAppender(into.name, into.namespace)
    : await conn.createAppender(temp.name, temp.namespace, 'temp');
  let rows: number;
  try {
    rows = await appendAll(appender, types, req, display(into));
    wrapAppender(() => appender.flushSync(), `DuckDB refused the rows for ${display(into)}`);
  } finally {
    try {
      appender.closeSync();
    } catch {
      // Already failed (the error above is the one to report); closing an aborted appender throws again.
    }
  }
  if (!direct) {
    const t = `temp.${qualify(duckdbDialect, temp)}`;
    await conn.run(`INSERT INTO ${qualify(duckdbDialect, into)} (${cols}) SELECT ${cols} FROM ${t}`);
    await conn.run(`DROP TABLE ${t}`);
  }
  return rows;
}

async function sameColumns(
  conn: DuckDBConnection,
  table: TableRef,
  names: readonly string[],
): Promise<boolean> {
  const all = (
    await conn.runAndReadAll(`SELECT * FROM ${qualify(duckdbDialect, table)} LIMIT 0`)
  ).columnNames();
  return all.length === names.length && all.every((n, i) => n.toLowerCase() === names[i]!.toLowerCase());
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

async function appendAll(
  appender: DuckDBAppender,
  types: readonly DuckDBType[],
  req: LoadRequest,
  table: string,
): Promise<number> {
  const encoders: Encode[] = req.columns.map((c, i) => encoderFor(c.source.type, types[i]!, c.name));
  const sources = req.columns.map((c) => c.sourceIndex);
  const chunk = DuckDBDataChunk.create(types);
  const totalBytes = await totalSize(req.results.files, req.results.partSizes);
  const totalRows = req.results.rowCount;
  let rows = 0;
  for await (const batch of req.results.batches()) {
    for (let start = 0; start < batch.numRows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.numRows - start);
      chunk.reset();
      chunk.rowCount = n;
      for (let c = 0; c < encoders.length; c++) {
        const column = batch.columns[sources[c]!]!;
        const encode = encoders[c]!;
        const values = new Array<ReturnType<Encode>>(n);
        for (let i = 0; i < n; i++) values[i] = encode(column.get(start + i) as Value, rows + start + i);
        const name = req.columns[c]!.name;
        wrapAppender(() => chunk.setColumnValues(c, values), rowsText(table, rows + start, n), name);
      }
      wrapAppender(() => appender.appendDataChunk(chunk), rowsText(table, rows + start, n));
    }
    rows += batch.numRows;
    req.onProgress(rows, totalRows === 0 ? 0 : Math.round((totalBytes * rows) / totalRows));
  }
  return rows;
}

function rowsText(table: string, first: number, n: number): string {
  return `DuckDB refused rows ${first + 1}-${first + n} of the results for ${table}`;
}

/**
 * Appender and chunk failures carry no DuckDB error type (`Failed to append: …`), and they are about the
 * rows being written: TARGET_REJECTED, naming the table, the rows and the column where known.
 */
function wrapAppender(fn: () => void, context: string, column?: string): void {
  try {
    fn();
  } catch (e) {
    if (isJobpubError(e)) throw e;
    const where = column === undefined ? '' : ` (column "${column}")`;
    const text = e instanceof Error ? e.message : String(e);
    throw new JobpubError(
      'TARGET_REJECTED',
      `${context}${where}: ${text}; nothing was committed`,
      column === undefined ? {} : { column },
      { cause: e },
    );
  }
}

/** The results' size: as the reader knew it (S3 parts too), else from the local files. */
async function totalSize(files: readonly string[], sizes: readonly number[] | undefined): Promise<number> {
  if (sizes !== undefined && sizes.length === files.length) return sizes.reduce((a, b) => a + b, 0);
  let total = 0;
  for (const f of files) total += (await stat(f).catch(() => undefined))?.size ?? 0;
  return total;
}

function display(t: TableRef): string {
  return qualify(duckdbDialect, t);
}
