import { type Json, printSchema, renderRow } from '../domain/schema/index.js';
import { JobpubError } from '../errors/index.js';
import { isResultFormat, openResults } from '../formats/open.js';
import { RESULT_FORMATS } from '../formats/reader.js';

export interface InspectOptions {
  format: string;
  json?: boolean;
  rows?: number;
  header?: boolean;
  delimiter?: string;
}

export interface InspectReport {
  format: string;
  files: string[];
  rowCount: number;
  schema: ReturnType<typeof printSchema>;
  rows?: { [key: string]: Json }[];
}

/** Opens a result and reports its schema, row count, files and (optionally) its first rows. */
export async function inspect(location: string, opts: InspectOptions): Promise<InspectReport> {
  if (!isResultFormat(opts.format)) {
    throw new JobpubError(
      'USAGE',
      `--format must be one of ${RESULT_FORMATS.join(', ')}, not "${opts.format}"`,
    );
  }
  const results = await openResults(location, opts.format, {
    header: opts.header,
    delimiter: opts.delimiter,
  });
  const report: InspectReport = {
    format: results.format,
    files: [...results.files],
    rowCount: results.rowCount,
    schema: printSchema(results.schema),
  };
  const want = opts.rows ?? 0;
  if (want > 0) {
    const rows: { [key: string]: Json }[] = [];
    outer: for await (const batch of results.batches()) {
      for (let i = 0; i < batch.numRows; i++) {
        if (rows.length >= want) break outer;
        rows.push(renderRow(results.schema, batch, i));
      }
    }
    report.rows = rows;
  }
  return report;
}

export function formatReport(r: InspectReport): string {
  const width = Math.max(4, ...r.schema.map((f) => f.name.length));
  const lines = [
    `format: ${r.format}`,
    `rows:   ${r.rowCount}`,
    `files:  ${r.files.length}`,
    ...r.files.map((f) => `  ${f}`),
    `schema: ${r.schema.length} columns`,
    ...r.schema.map((f) => `  ${f.name.padEnd(width)}  ${f.type}${f.nullable ? '' : ' not null'}`),
  ];
  if (r.rows) {
    lines.push(`first ${r.rows.length} rows:`);
    for (const row of r.rows) lines.push(JSON.stringify(row));
  }
  return lines.join('\n');
}
