import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { ChunkFeed } from './chunk-feed.js';
import type { CsvOptions } from './options.js';
import { CsvParser, type RecordSink } from './parser.js';
import type { CsvRecord } from './record.js';

export interface PartHandler {
  /** The part's first record: its header, or (no header) its first row, which then also goes to row(). */
  first(record: CsvRecord): void;
  /** A row, exactly as wide as the first record. */
  row(record: CsvRecord): void;
}

/**
 * Reads one part front to back in bounded memory: bytes -> text (chunk-feed.ts) -> records (parser.ts) ->
 * handler. Yields after each chunk, so a caller can hand on what the handler built before more is read.
 */
export async function* scanPart(
  source: ByteSource,
  options: CsvOptions,
  handler: PartHandler,
): AsyncGenerator<void> {
  const file = source.name;
  let width = -1;
  const sink: RecordSink = (record) => {
    const count = record.count;
    if (width < 0) {
      width = count;
      handler.first(record);
      if (options.header) return;
    } else if (count !== width) {
      // A blank line is one NULL field: a NULL row of a one-column file, nothing in a wider one.
      if (count === 1 && record.isNull(0)) return;
      const against = options.header ? 'the header has' : 'the first row has';
      throw inputError('RESULTS_INVALID', `the row has ${count} fields where ${against} ${width}`, {
        file,
        line: record.line,
      });
    }
    handler.row(record);
  };
  const parser = new CsvParser(options.delimiter, file, sink);
  const feed = new ChunkFeed(parser, file);
  for await (const chunk of source.stream()) {
    feed.push(chunk);
    yield;
  }
  feed.finish();
  if (width < 0) throw inputError('RESULTS_EMPTY', 'the file is empty: no header and no rows', { file });
  yield;
}
