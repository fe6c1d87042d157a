import { avroReader } from './avro/reader.js';
import { csvReader } from './csv/reader.js';
import { jsonReader } from './json/reader.js';
import { parquetReader } from './parquet/reader.js';
import type { FormatReader, ResultFormat } from './reader.js';

/** The readers, by the format names of the API (`pqt`, `avro`, `csv`, `json`). Explicit: no side-effect registration. */
export const READERS: Readonly<Record<ResultFormat, FormatReader>> = {
  pqt: parquetReader,
  avro: avroReader,
  csv: csvReader,
  json: jsonReader,
};
