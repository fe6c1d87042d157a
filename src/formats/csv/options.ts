import { JobpubError } from '../../errors/index.js';
import { DEFAULT_BATCH_SIZE, type ReadOptions } from '../reader.js';

export interface CsvOptions {
  readonly header: boolean;
  readonly delimiter: string;
  readonly batchSize: number;
}

/** ReadOptions with the CSV defaults filled in and checked (header true, `,`, DEFAULT_BATCH_SIZE). */
export function csvOptions(options: ReadOptions): CsvOptions {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
    throw new JobpubError(
      'USAGE',
      `the CSV delimiter must be one character other than a quote or a line end, not ${JSON.stringify(delimiter)}`,
    );
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new JobpubError('USAGE', `batchSize must be a whole number of rows above 0, not ${batchSize}`);
  }
  return { header: options.header ?? true, delimiter, batchSize };
}
