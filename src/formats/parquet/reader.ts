import { JobpubError } from '../../errors/index.js';
import { combineParts } from '../parts.js';
import { DEFAULT_BATCH_SIZE, type FormatReader } from '../reader.js';
import { openParquetPart } from './part.js';

/**
 * Parquet (`pqt`): the footer is parsed by hyparquet, pages are decoded here, a row group at a time and
 * a page at a time, through the ByteSource only (see docs/parquet-reader.md for why not a whole-file
 * or whole-row-group decoder).
 */
export const parquetReader: FormatReader = {
  format: 'pqt',
  async open(parts, options = {}) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new JobpubError(
        'USAGE',
        `batchSize must be a whole number of rows, at least 1 (got ${batchSize})`,
      );
    }
    return combineParts('pqt', parts, (source) => openParquetPart(source, batchSize));
  },
};
