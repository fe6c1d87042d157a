import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Field, LogicalType } from '../../domain/schema/index.js';
import type { ByteSource } from '../../storage/byte-source.js';
import type { LoadRequest } from '../contract.js';
import { backtick } from '../ddl/compiler.js';
import { qualified, quoteLiteral } from './dialect.js';
import { converterFor } from './parquet.js';
import type { StagingStore } from './staging-store.js';
import { HIVE_MAX_DECIMAL_PRECISION, hiveTypeName } from './type-map.js';

/**
 * The load, for Hive: rows never go through HiveServer2 one by one. The results become files in a staging
 * folder under the connection's `stagingUri` (a StagingStore: a filesystem the server also sees, or S3
 * read through S3A), and an EXTERNAL table
 * over that folder (`into`, a staging name with the session id) lets the server read them. The plan's next
 * step, one `INSERT … SELECT` from it, makes the rows visible in the real table.
 *
 * - Parquet whose every column Hive reads as its mapped type: the part files are **copied** as they are
 *   (never moved: `LOAD DATA INPATH` would take the job's own files away).
 * - Everything else (CSV, JSON, Avro, and Parquet with time, uuid, unsigned, nanosecond or >38-digit
 *   columns): jobpub's reader, batch by batch, each batch written as one Parquet file (parquet.ts).
 *
 * The staging table's columns carry the results' own names, so Parquet columns are found by name.
 */
export type Run = (sql: string) => Promise<void>;

/** The staging folder of a load is named like its staging table (`jobpub_stg_<session>`). */
export async function stageResults(run: Run, store: StagingStore, req: LoadRequest): Promise<number> {
  const folder = req.into.name;
  await store.writeOwner(folder);
  const copied = await copyIfReadable(req, store, folder);
  const rows = copied ?? (await convert(req, store, folder));
  await run(stagingTableDdl(req, store.uri(folder)));
  return rows;
}

/** The EXTERNAL staging table over a staging folder (`location`: StagingStore.uri). */
export function stagingTableDdl(req: Pick<LoadRequest, 'into' | 'columns'>, location: string): string {
  const cols = req.columns
    .map((c) => `  ${backtick(c.source.name)} ${hiveTypeName(c.source.type)}`)
    .join(',\n');
  return `CREATE EXTERNAL TABLE ${qualified(req.into)} (\n${cols}\n) STORED AS PARQUET LOCATION ${quoteLiteral(location)}`;
}

const partName = (i: number) => `part-${String(i).padStart(5, '0')}.parquet`;

/** Types Hive reads from a Parquet file as exactly the mapped column type. */
function readsAsIs(type: LogicalType): boolean {
  switch (type.kind) {
    case 'boolean':
    case 'float':
    case 'double':
    case 'string':
    case 'binary':
    case 'date':
      return true;
    case 'int':
      return type.signed;
    case 'decimal':
      return type.precision <= HIVE_MAX_DECIMAL_PRECISION;
    case 'timestamp':
      return type.unit !== 'ns';
    case 'list':
      return readsAsIs(type.element.type);
    case 'struct':
      return type.fields.every((f) => readsAsIs(f.type));
    case 'map':
      return readsAsIs(type.key.type) && readsAsIs(type.value.type);
    default:
      return false;
  }
}

async function copyIfReadable(
  req: LoadRequest,
  store: StagingStore,
  folder: string,
): Promise<number | undefined> {
  // Parquet parts in S3 come with their ByteSources and are copied unchanged, like local files.
  const results = req.results;
  if (results.format !== 'pqt' || results.files.length === 0) return undefined;
  if (!results.schema.fields.every((f: Field) => readsAsIs(f.type))) return undefined;
  const parts: { file: string; source?: ByteSource | undefined }[] = [];
  for (const [i, f] of results.files.entries()) {
    const source = results.sources?.[i];
    if (source !== undefined && source.name === f) parts.push({ file: f, source });
    else if (path.isAbsolute(f) && (await stat(f).catch(() => undefined))?.isFile()) parts.push({ file: f });
    else return undefined;
  }
  let bytes = 0;
  for (const [i, { file, source }] of parts.entries()) {
    // Streamed (an S3 source reads ranged chunks): never a whole object in memory.
    if (source) {
      await store.writeFile(folder, partName(i), source.stream());
      bytes += source.size;
    } else {
      await store.writeFile(folder, partName(i), createReadStream(file));
      bytes += (await stat(file)).size;
    }
    req.onProgress(0, bytes);
  }
  req.onProgress(results.rowCount, bytes);
  return results.rowCount;
}

async function convert(req: LoadRequest, store: StagingStore, folder: string): Promise<number> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const convs = req.columns.map((c) => converterFor(c.source, c.name));
  const schema = [{ name: 'root', num_children: convs.length }, ...convs.flatMap((c) => c.elements)];
  let rows = 0;
  let part = 0;
  for await (const batch of req.results.batches()) {
    if (batch.numRows === 0) continue;
    const columnData = req.columns.map((c, i) => {
      const col = batch.columns[c.sourceIndex]!;
      const data = new Array(batch.numRows);
      for (let r = 0; r < batch.numRows; r++) data[r] = convs[i]!.convert(col.get(r), rows + r);
      return { name: c.source.name, data };
    });
    // One batch's Parquet file in memory (the batch itself is), then written to the store.
    const bytes = parquetWriteBuffer({
      columnData,
      schema: schema as Parameters<typeof parquetWriteBuffer>[0]['schema'],
      rowGroupSize: batch.numRows,
    });
    await store.writeFile(folder, partName(part++), new Uint8Array(bytes));
    rows += batch.numRows;
    req.onProgress(rows, 0);
  }
  // Every part was read to its end: its size (S3 parts carry theirs; local files are stat'ed).
  const sizes = req.results.partSizes ?? (await Promise.all(req.results.files.map((f) => sizeOf(f))));
  req.onProgress(
    rows,
    sizes.reduce((n, s) => n + s, 0),
  );
  return rows;
}

const sizeOf = (file: string): Promise<number> =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );
