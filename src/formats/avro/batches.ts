import { ArrayColumn, type RecordBatch, type Value } from '../../domain/schema/index.js';
import { inputError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import { readBlocks } from './block-stream.js';
import { type Codec, decompressBlock } from './codecs.js';
import { AvroDecodeError, Cursor } from './cursor.js';
import type { AvroHeader } from './header.js';
import type { Plan } from './plan.js';
import { compile } from './value-decoder.js';

/**
 * Decodes a file's rows block by block into batches of at most `batchSize` rows. Rows are written
 * straight into column arrays; a batch may span blocks and a block may span batches.
 */
export async function* decodeBatches(
  source: ByteSource,
  header: AvroHeader,
  codec: Codec,
  plans: readonly Plan[],
  batchSize: number,
): AsyncGenerator<RecordBatch> {
  const file = source.name;
  const decoders = plans.map(compile);
  const width = decoders.length;
  let cols = newColumns(width);
  let n = 0;
  let rowsBefore = 0;
  for await (const block of readBlocks(source, header)) {
    const where = `block ${block.index} (byte offset ${block.offset})`;
    let data: Uint8Array;
    try {
      data = decompressBlock(codec, block.data);
    } catch (e) {
      throw inputError('RESULTS_INVALID', `${where}: ${(e as Error).message}`, { file }, { cause: e });
    }
    const c = new Cursor(data);
    let row = 0;
    let f = 0;
    try {
      for (; row < block.count; row++) {
        for (f = 0; f < width; f++) cols[f]!.push(decoders[f]!(c));
        if (++n === batchSize) {
          yield batch(cols, n);
          cols = newColumns(width);
          n = 0;
        }
      }
    } catch (e) {
      if (!(e instanceof AvroDecodeError)) throw e;
      const column = e.path ?? plans[f]!.path;
      throw inputError(
        'RESULTS_INVALID',
        `${where}: ${e.message}`,
        { file, row: rowsBefore + row + 1, column },
        { cause: e },
      );
    }
    if (c.remaining !== 0) {
      throw inputError(
        'RESULTS_INVALID',
        `${where}: ${c.remaining} byte(s) are left after its ${block.count} rows: the block is corrupt`,
        { file },
      );
    }
    rowsBefore += block.count;
  }
  if (n > 0) yield batch(cols, n);
}

function newColumns(width: number): Value[][] {
  return Array.from({ length: width }, () => []);
}

function batch(cols: Value[][], n: number): RecordBatch {
  return { numRows: n, columns: cols.map((v) => new ArrayColumn(v)) };
}
