import { type FileMetaData, parquetMetadata } from 'hyparquet';
import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';

/**
 * Checks the frame of a Parquet file (PAR1 … footer, footer length, PAR1) with three small reads and
 * parses the footer with hyparquet. Every way a file can be wrong at this level gets its own message,
 * because "not Parquet at all" and "a Parquet file cut short by a failed upload" call for different fixes.
 */
const MAGIC = 0x31524150; // "PAR1" little-endian
const ENCRYPTED_MAGIC = 0x45524150; // "PARE": encrypted footer

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export async function readFooter(source: ByteSource): Promise<FileMetaData> {
  const file = source.name;
  const invalid = (problem: string, cause?: unknown) =>
    inputError('RESULTS_INVALID', problem, { file }, { cause });
  if (source.size < 12) {
    throw invalid(
      `is not a Parquet file: it is ${source.size} bytes long, and the smallest Parquet file (PAR1, footer length, PAR1) is 12`,
    );
  }
  const head = await source.read(0, 4);
  const tail = await source.read(source.size - 8, source.size);
  if (u32(head, 0) === ENCRYPTED_MAGIC || u32(tail, 4) === ENCRYPTED_MAGIC) {
    throw inputError('RESULTS_UNSUPPORTED', 'is an encrypted Parquet file, which jobpub cannot read', {
      file,
    });
  }
  if (u32(head, 0) !== MAGIC) {
    throw invalid('is not a Parquet file: it does not start with the magic bytes PAR1');
  }
  if (u32(tail, 4) !== MAGIC) {
    throw invalid('is truncated or not a Parquet file: it does not end with the magic bytes PAR1');
  }
  const footerLength = u32(tail, 0);
  if (footerLength > source.size - 12) {
    throw invalid(
      `is truncated or corrupt: its footer claims ${footerLength} bytes, which runs past the start of the ${source.size}-byte file`,
    );
  }
  const bytes = await source.read(source.size - 8 - footerLength, source.size);
  try {
    return parquetMetadata(bytes.slice().buffer, { geoparquet: false });
  } catch (e) {
    throw invalid(`the Parquet footer is corrupt: ${(e as Error).message}`, e);
  }
}
