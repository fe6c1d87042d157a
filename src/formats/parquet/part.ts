import { type ColumnChunk, type FileMetaData, parquetSchema, type RowGroup } from 'hyparquet';
import type { RecordBatch } from '../../domain/schema/index.js';
import { inputError, isJobpubError } from '../../errors/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import type { OpenedPart } from '../parts.js';
import { type Assembler, assemblerFor } from './assemble.js';
import { ChunkReader } from './chunk-reader.js';
import { decompressorFor } from './codecs.js';
import { readFooter } from './footer.js';
import { LeafCursor } from './leaf-cursor.js';
import { PageDecoder } from './page-decoder.js';
import { PageError, SchemaProblem } from './problems.js';
import { type Layout, mapSchema } from './schema-map.js';

/**
 * One Parquet part file: the footer is read and checked when it is opened (schema, row count, codecs,
 * column chunk ranges), and batches() reads one row group at a time, every column chunk of it page by
 * page, so memory does not grow with the file or the row group.
 */
export async function openParquetPart(source: ByteSource, batchSize: number): Promise<OpenedPart> {
  const file = source.name;
  const meta = await readFooter(source);
  const layout = mapOrFail(meta, file);
  const chunks = meta.row_groups.map((rg, g) => chunksOf(rg, g, layout, source));
  const rowCount = Number(meta.num_rows);
  const inGroups = meta.row_groups.reduce((n, rg) => n + Number(rg.num_rows), 0);
  if (inGroups !== rowCount) {
    throw inputError(
      'RESULTS_INVALID',
      `the footer counts ${rowCount} rows but its row groups hold ${inGroups}`,
      { file },
    );
  }
  const assemblers = layout.columns.map(assemblerFor);
  return {
    schema: layout.schema,
    rowCount,
    async *batches() {
      for (let g = 0; g < meta.row_groups.length; g++) {
        yield* readRowGroup(
          source,
          layout,
          assemblers,
          chunks[g]!,
          Number(meta.row_groups[g]!.num_rows),
          g,
          batchSize,
        );
      }
    },
  };
}

function mapOrFail(meta: FileMetaData, file: string): Layout {
  try {
    return mapSchema(parquetSchema(meta));
  } catch (e) {
    if (!(e instanceof SchemaProblem)) throw e;
    throw inputError(e.unsupported ? 'RESULTS_UNSUPPORTED' : 'RESULTS_INVALID', e.message, {
      file,
      column: e.column,
    });
  }
}

interface ChunkRange {
  readonly start: number;
  readonly end: number;
  readonly codec: string;
  readonly values: number;
  readonly bytes: number;
}

/** The byte range and codec of every leaf's column chunk in one row group, checked against the file. */
function chunksOf(rg: RowGroup, g: number, layout: Layout, source: ByteSource): ChunkRange[] {
  const byPath = new Map<string, ColumnChunk>();
  for (const c of rg.columns) if (c.meta_data) byPath.set(c.meta_data.path_in_schema.join('.'), c);
  return layout.leaves.map((leaf) => {
    const where = { file: source.name, column: leaf.name };
    const chunk = byPath.get(leaf.name);
    if (!chunk?.meta_data) {
      const problem = chunk?.file_path
        ? 'column chunks in other files are not supported'
        : 'has no column chunk';
      throw inputError(
        chunk ? 'RESULTS_UNSUPPORTED' : 'RESULTS_INVALID',
        `row group ${g}: ${problem}`,
        where,
      );
    }
    const md = chunk.meta_data;
    if (!decompressorFor(md.codec)) {
      throw inputError('RESULTS_UNSUPPORTED', `the ${md.codec} codec is not supported`, where);
    }
    const data = Number(md.data_page_offset);
    const dict = md.dictionary_page_offset === undefined ? 0 : Number(md.dictionary_page_offset);
    const start = dict > 0 && dict < data ? dict : data;
    const end = start + Number(md.total_compressed_size);
    if (start < 4 || end > source.size - 8) {
      throw inputError(
        'RESULTS_INVALID',
        `row group ${g}: the column chunk lies outside the file (truncated or corrupt)`,
        where,
      );
    }
    return {
      start,
      end,
      codec: md.codec,
      values: Number(md.num_values),
      bytes: Number(md.total_uncompressed_size),
    };
  });
}

async function* readRowGroup(
  source: ByteSource,
  layout: Layout,
  assemblers: readonly Assembler[],
  chunks: readonly ChunkRange[],
  rows: number,
  g: number,
  batchSize: number,
): AsyncGenerator<RecordBatch> {
  const file = source.name;
  const fail = (column: string, e: unknown) => {
    if (isJobpubError(e)) return e;
    const unsupported = e instanceof PageError && e.unsupported;
    const problem = `row group ${g}: ${(e as Error).message}`;
    return inputError(
      unsupported ? 'RESULTS_UNSUPPORTED' : 'RESULTS_INVALID',
      problem,
      { file, column },
      { cause: e },
    );
  };
  const cursors = layout.leaves.map((leaf, i) => {
    const { start, end, codec, values, bytes } = chunks[i]!;
    const decompress = decompressorFor(codec)!;
    const safe = (input: Uint8Array, size: number) => {
      try {
        return decompress(input, size);
      } catch (e) {
        throw new PageError(`a ${codec} page cannot be decompressed (${(e as Error).message})`);
      }
    };
    const chunk = new ChunkReader(source, start, end, (problem) => new PageError(problem));
    return new LeafCursor(chunk, new PageDecoder(leaf, safe, { values, bytes }), leaf.maxDef);
  });
  for (let done = 0; done < rows; ) {
    const n = Math.min(batchSize, rows - done);
    const taken = await Promise.all(
      cursors.map((c, i) =>
        c.take(n).catch((e: unknown) => {
          throw fail(layout.leaves[i]!.name, e);
        }),
      ),
    );
    taken.forEach((t, i) => {
      if (t.rows !== n) {
        throw fail(
          layout.leaves[i]!.name,
          new Error(`the column ends after ${done + t.rows} of the ${rows} rows the footer promises`),
        );
      }
    });
    const slices = taken.map((t) => t.slice);
    const columns = assemblers.map((assemble, c) => {
      try {
        return assemble(slices, n);
      } catch (e) {
        throw fail(layout.columns[c]!.field.name, e);
      }
    });
    yield { numRows: n, columns };
    done += n;
  }
}
