import { Readable } from 'node:stream';
import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { LoadRequest } from '../contract.js';
import { qualified } from './dialect.js';
import { failOnWarnings } from './errors.js';
import { CHUNK_CHARS, loadColumns, loadDataSql, tsvChunks } from './tsv.js';

/**
 * The bulk load: one `LOAD DATA LOCAL INFILE` per publish, fed from the results' batches as a stream of
 * tab-separated text (tsv.ts). It is the server's fastest way in (no statement parsing per row, one
 * round trip), and one statement means the server's "at row N" is the results' row N.
 *
 * LOAD DATA LOCAL cannot stop the client's transfer, so the server treats it as IGNORE even in strict
 * mode: a bad value becomes a warning and a zero or NULL (checked on MariaDB 10.11). So after the load
 * any warning or note fails it (errors.ts failOnWarnings); the rows went to a staging table that the
 * executor drops.
 */
export async function loadData(conn: Connection, req: LoadRequest): Promise<number> {
  const cols = loadColumns(req.columns);
  const into = qualified(req.into);
  // mysql2 pauses this stream while the socket's buffer is full (and resumes it on 'drain'): with one
  // chunk of high-water mark, at most a chunk or two of text is in memory at a time.
  const stream = Readable.from(tsvChunks(req.results, cols, req.onProgress), {
    objectMode: false,
    highWaterMark: CHUNK_CHARS,
  });
  let header: ResultSetHeader;
  try {
    [header] = await conn.query<ResultSetHeader>({
      sql: loadDataSql(into, cols),
      infileStreamFactory: () => stream,
    });
  } finally {
    stream.destroy();
  }
  await failOnWarnings(conn, header, `loading ${into}`);
  return header.affectedRows;
}
