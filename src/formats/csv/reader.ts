import { inputError } from '../../errors/index.js';
import type { FormatReader } from '../reader.js';
import { readBatches } from './batches.js';
import { csvOptions } from './options.js';
import { scanSchema } from './schema-scan.js';

/**
 * CSV results (RFC 4180, UTF-8): one file or a folder of parts. CSV has no schema, so the parts are read
 * twice: once to infer every column's type from every value (infer.ts) and count the rows, then once per
 * batches() call to convert the values. Decisions beyond the types:
 *
 * - options.header (default true): the first record names the columns; an empty or repeated name is an
 *   error naming its position (no renaming). Without a header the columns are col1..colN, N from the
 *   first record. Every part starts with the same header (or, without one, the same width); a part that
 *   differs is an error naming both files.
 * - A record of another width than the first is an error naming the file and the line it starts on;
 *   a blank line is one NULL field: a NULL row of a one-column file, skipped in a wider one.
 * - An empty file (no header, no rows; a lone BOM included) is an error naming it, in a folder too.
 * - options.delimiter: one UTF-16 character, not `"`, CR or LF (default `,`).
 */
export const csvReader: FormatReader = {
  format: 'csv',
  async open(parts, readOptions = {}) {
    const options = csvOptions(readOptions);
    if (parts.length === 0) throw inputError('RESULTS_EMPTY', 'no part files to read', {});
    const { schema, rowCounts } = await scanSchema(parts, options);
    return {
      format: 'csv',
      schema,
      rowCount: rowCounts.reduce((a, b) => a + b, 0),
      files: parts.map((p) => p.name),
      partSizes: parts.map((p) => p.size),
      options: { header: options.header, delimiter: options.delimiter },
      batches: () => readBatches(parts, schema, options, rowCounts),
    };
  },
};
