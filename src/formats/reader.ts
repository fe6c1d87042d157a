import type { RecordBatch, Schema } from '../domain/schema/index.js';
import type { ByteSource } from '../storage/byte-source.js';

export const RESULT_FORMATS = ['pqt', 'avro', 'csv', 'json'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export interface ReadOptions {
  /** CSV: the first row names the columns (default true); otherwise columns are col1..colN. */
  readonly header?: boolean;
  /** CSV: one-character field delimiter (default `,`). */
  readonly delimiter?: string;
  /** Rows per batch, an upper bound (default 65,536). */
  readonly batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 65_536;

/** The results of a job, opened and checked: schema, exact row count and part files are known up front. */
export interface OpenedResults {
  readonly format: ResultFormat;
  readonly schema: Schema;
  readonly rowCount: number;
  /** The part files read, in order. */
  readonly files: readonly string[];
  /** Each part file's size in bytes, in the order of `files` (S3 parts have no local file to stat). */
  /** The part files as byte sources (Parquet, Avro), for targets that copy parts unchanged (Hive). */
  readonly sources?: readonly ByteSource[];
  readonly partSizes?: readonly number[];
  /**
   * The options the files were read with, defaults filled in (CSV: `header`, `delimiter`). Targets that
   * load the files themselves (Redshift's COPY) must read them the same way.
   */
  readonly options?: ReadOptions;
  /** Every row, part after part, in bounded batches. Each call reads the files again. */
  batches(): AsyncIterable<RecordBatch>;
}

export interface FormatReader {
  readonly format: ResultFormat;
  /** Opens every part (each is checked now: magic bytes, schema, row count) and returns the whole. */
  open(parts: readonly ByteSource[], options?: ReadOptions): Promise<OpenedResults>;
}
