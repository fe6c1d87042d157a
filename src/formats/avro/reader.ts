import { inputError, JobpubError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { combineParts, type OpenedPart } from '../parts.js';
import { DEFAULT_BATCH_SIZE, type FormatReader } from '../reader.js';
import { AvroSchemaError, parseAvroSchema } from './avro-schema.js';
import { decodeBatches } from './batches.js';
import { countRows } from './block-scan.js';
import { CODECS, isSupportedCodec } from './codecs.js';
import { readHeader } from './header.js';
import { mapSchema } from './schema-map.js';

/**
 * Avro object container files (https://avro.apache.org/docs/1.12.0/specification/#object-container-files),
 * decoded here rather than through a library so every type maps exactly (see schema-map.ts) and the
 * file is read block by block. Opening a part reads its header, maps its schema and counts its rows from
 * the block headers; batches() then streams and decodes the blocks.
 */
export const avroReader: FormatReader = {
  format: 'avro',
  async open(parts, options = {}) {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new JobpubError('USAGE', `batchSize must be a positive integer, not ${batchSize}`);
    }
    return combineParts('avro', parts, (source) => openPart(source, batchSize));
  },
};

export async function openPart(source: ByteSource, batchSize: number): Promise<OpenedPart> {
  const file = source.name;
  const { header, window } = await readHeader(source);
  if (!isSupportedCodec(header.codec)) {
    throw inputError(
      'RESULTS_UNSUPPORTED',
      `Avro codec "${header.codec}" is not supported (supported: ${CODECS.join(', ')})`,
      { file },
    );
  }
  const codec = header.codec;
  let mapped: ReturnType<typeof mapSchema>;
  try {
    mapped = mapSchema(parseAvroSchema(header.schemaText));
  } catch (e) {
    if (!(e instanceof AvroSchemaError)) throw e;
    const code = e.unsupported ? 'RESULTS_UNSUPPORTED' : 'RESULTS_INVALID';
    const where = e.path === undefined ? { file } : { file, column: e.path };
    const problem = e.unsupported ? e.message : `invalid Avro schema: ${e.message}`;
    throw inputError(code, problem, where, { cause: e });
  }
  const rowCount = await countRows(source, header, window);
  return {
    schema: mapped.schema,
    rowCount,
    batches: () => decodeBatches(source, header, codec, mapped.plans, batchSize),
  };
}
