import { JobpubError } from '../errors/index.js';
import type { ByteSource } from '../storage/byte-source.js';
import { listLocalParts } from '../storage/local.js';
import { type OpenedResults, RESULT_FORMATS, type ReadOptions, type ResultFormat } from './reader.js';
import { READERS } from './registry.js';

export function isResultFormat(s: string): s is ResultFormat {
  return (RESULT_FORMATS as readonly string[]).includes(s);
}

/** Opens a local result (one file or a folder of part files) in the given format. */
export async function openResults(
  location: string,
  format: ResultFormat,
  options: ReadOptions = {},
): Promise<OpenedResults> {
  if (!isResultFormat(format)) {
    throw new JobpubError('USAGE', `unknown format "${format}": use one of ${RESULT_FORMATS.join(', ')}`);
  }
  return openParts(await listLocalParts(location), format, options);
}

/** Opens results whose part files are already listed (S3 objects, test buffers) in the given format. */
export async function openParts(
  parts: readonly ByteSource[],
  format: ResultFormat,
  options: ReadOptions = {},
): Promise<OpenedResults> {
  if (!isResultFormat(format)) {
    throw new JobpubError('USAGE', `unknown format "${format}": use one of ${RESULT_FORMATS.join(', ')}`);
  }
  return READERS[format].open(parts, options);
}
