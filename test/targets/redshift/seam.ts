import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { isJobpubError } from '../../../src/errors/index.js';
import { openParts } from '../../../src/formats/open.js';
import type { ResultFormat } from '../../../src/formats/reader.js';
import type { PlannedColumn } from '../../../src/publish/plan.js';
import { parseS3Uri, s3Uri } from '../../../src/storage/s3/config.js';
import { listPages } from '../../../src/storage/s3/list.js';
import { s3Source } from '../../../src/storage/s3/source.js';
import { copyLoad as pgCopyLoad } from '../../../src/targets/postgres/loader.js';
import type { OpenClient, RedshiftClient } from '../../../src/targets/redshift/connection.js';

/**
 * THE TEST SEAM (docs/targets/redshift.md, "What was verified"). No Redshift runs here, so the Redshift
 * target is pointed at the local PostgreSQL (Redshift's wire protocol) through its `openClient` dependency,
 * and exactly one kind of statement is not sent as it is: `COPY … FROM 's3://…' … MANIFEST`, which
 * PostgreSQL cannot run. In its place the seam does what Redshift's COPY does, from the same bytes:
 *
 * 1. reads the manifest the target wrote, from the S3 server (moto), and records it with the staged keys;
 * 2. opens every file the manifest lists, from the S3 server, with jobpub's own readers (the CSV header and
 *    delimiter as the COPY says: IGNOREHEADER, DELIMITER);
 * 3. loads its rows into the COPY's table (the session's TEMP copy table) with the PostgreSQL target's
 *    COPY FROM STDIN, columns by position (Parquet, CSV) or by name ignoring case (Avro, JSON 'auto
 *    ignorecase');
 * 4. when a value does not fit (or `failNext` asks for a failure), writes the row Redshift would write into
 *    the test schema's fake `stl_load_errors` (or `sys_load_error_detail`), on another session as Redshift's
 *    system log is not transactional, and raises the error Redshift raises (SQLSTATE XX000, "Check
 *    'stl_load_errors' system table for details"), leaving the transaction aborted as Redshift does.
 *
 * Every other statement (DDL, INSERT … SELECT, DELETE, rename, count, introspection, the load-error query)
 * goes to PostgreSQL unchanged. The seam lives here only; production code has no trace of it.
 */
export interface CopyRecord {
  readonly statement: string;
  readonly manifestUri: string;
  readonly manifest: { entries: { url: string; mandatory: boolean; meta: { content_length: number } }[] };
  /** Every key under the manifest's folder while the COPY ran. */
  readonly staged: string[];
}

export interface SeamState {
  /** Every statement the target sent, in order (COPY included, as the target wrote it). */
  readonly statements: string[];
  readonly copies: CopyRecord[];
  /** Make the next COPY fail with this load error (as Redshift would for a value it refuses). */
  failNext?: { line: number; column: string; code: number; reason: string; table: 'stl' | 'sys' };
}

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

export function seamState(): SeamState {
  return { statements: [], copies: [] };
}

/** Opens sessions on the local PostgreSQL with the schema first on the search_path, COPY swapped. */
export function seamClient(schema: string, s3: S3Client, state: SeamState): OpenClient {
  return async () => {
    const raw = new pg.Client(PG);
    await raw.connect();
    await raw.query(`SET timezone TO 'UTC'; SET search_path TO "${schema}", public`);
    const pid = Number((await raw.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    const client: RedshiftClient = {
      async query<R extends object>(text: string, values?: unknown[]) {
        state.statements.push(text);
        if (/^COPY\s/i.test(text) && /\nMANIFEST(\n|$)/.test(text)) {
          return (await emulateCopy(raw, schema, pid, s3, state, text)) as { rows: R[]; rowCount: number };
        }
        const res = await raw.query<R>(text, values);
        return { rows: res.rows, rowCount: res.rowCount };
      },
      end: () => raw.end(),
    };
    return client;
  };
}

const FORMATS: Record<string, ResultFormat> = { PARQUET: 'pqt', AVRO: 'avro', CSV: 'csv', JSON: 'json' };

async function emulateCopy(
  raw: pg.Client,
  schema: string,
  pid: number,
  s3: S3Client,
  state: SeamState,
  text: string,
): Promise<{ rows: never[]; rowCount: number }> {
  const m = /^COPY ("(?:[^"]|"")+")\nFROM '([^']+)'\n[^\n]+\nFORMAT AS (\w+)([^\n]*)\nMANIFEST/.exec(text);
  if (!m) throw new Error(`the seam cannot read this COPY:\n${text}`);
  const [, table, manifestUri, fmt, options] = m as unknown as [string, string, string, string, string];
  const format = FORMATS[fmt]!;
  const header = /IGNOREHEADER 1/.test(options);
  const delim = /DELIMITER AS '([^']+)'/.exec(options)?.[1];
  const delimiter = delim === undefined ? ',' : delim === '\\t' ? '\t' : delim;

  const at = parseS3Uri(manifestUri);
  const body = await s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: at.key }));
  const manifest = JSON.parse(await body.Body!.transformToString()) as CopyRecord['manifest'];
  const folder = at.key.slice(0, at.key.lastIndexOf('/') + 1);
  const staged: string[] = [];
  for await (const page of listPages(s3, at.bucket, folder)) staged.push(...page.objects.map((o) => o.key));
  state.copies.push({ statement: text, manifestUri, manifest, staged });

  const names = (
    await raw.query<{ name: string }>(
      'SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum',
      [table],
    )
  ).rows.map((r) => r.name);

  const fail = async (
    file: string,
    line: number,
    column: string,
    code: number,
    reason: string,
    which: 'stl' | 'sys',
  ) => {
    const log = new pg.Client(PG);
    await log.connect();
    try {
      if (which === 'stl') {
        await log.query(
          `INSERT INTO "${schema}".stl_load_errors (session, starttime, filename, line_number, colname, err_code, err_reason)
           VALUES ($1, now() AT TIME ZONE 'UTC', $2, $3, $4, $5, $6)`,
          [pid, file, line, column, code, reason.slice(0, 100)],
        );
      } else {
        await log.query(
          `INSERT INTO "${schema}".sys_load_error_detail (session_id, start_time, file_name, line_number, column_name, error_code, error_message)
           VALUES ($1, now() AT TIME ZONE 'UTC', $2, $3, $4, $5, $6)`,
          [pid, file, line, column, code, reason],
        );
      }
    } finally {
      await log.end();
    }
    // Leave the transaction aborted, as a failed COPY does on Redshift.
    await raw.query('SELECT 1/0').catch(() => {});
    throw Object.assign(
      new Error(
        `Load into table '${table.replace(/"/g, '')}' failed.  Check '${which === 'stl' ? 'stl_load_errors' : 'sys_load_error_detail'}' system table for details.`,
      ),
      { code: 'XX000', severity: 'ERROR' },
    );
  };

  const injected = state.failNext;
  if (injected) {
    state.failNext = undefined;
    await fail(
      manifest.entries[0]!.url,
      injected.line,
      injected.column,
      injected.code,
      injected.reason,
      injected.table,
    );
  }

  let total = 0;
  for (const entry of manifest.entries) {
    const loc = parseS3Uri(entry.url);
    const source = await s3Source(s3, loc, { size: entry.meta.content_length });
    const results = await openParts([source], format, format === 'csv' ? { header, delimiter } : {});
    const byName = new Map(names.map((n, i) => [n.toLowerCase(), i]));
    const columns: PlannedColumn[] = results.schema.fields.map((f, i) => {
      const at = format === 'avro' || format === 'json' ? byName.get(f.name.toLowerCase()) : i;
      if (at === undefined) throw new Error(`the seam found no column for field ${f.name}`);
      return { name: names[at]!, sqlType: '', source: f, sourceIndex: i };
    });
    try {
      total += await pgCopyLoad(
        raw,
        { into: { name: table.slice(1, -1) }, columns, results, onProgress: () => {} },
        'text',
      );
    } catch (e) {
      const row = isJobpubError(e) ? e.location.row : undefined;
      const column = isJobpubError(e) ? (e.location.column ?? '') : '';
      const why = e instanceof Error ? e.message : String(e);
      const reason = /value too long/.test(why) ? 'String length exceeds DDL length' : why;
      await fail(s3Uri(loc), (row ?? 0) + (header ? 1 : 0), column, 1204, reason, 'stl');
    }
  }
  return { rows: [], rowCount: total };
}

/** The test schema: Redshift's type names as PostgreSQL domains, and the fake load-error tables. */
export async function createSchema(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(`CREATE SCHEMA "${schema}";
    CREATE DOMAIN "${schema}".super AS jsonb;
    CREATE DOMAIN "${schema}".varbyte AS bytea;
    CREATE TABLE "${schema}".stl_load_errors (userid integer, slice integer, tbl integer, starttime timestamp,
      session integer, query integer, filename character(256), line_number bigint, colname character(127),
      type character(10), col_length character(10), position integer, raw_line character(1024),
      raw_field_value character(1024), err_code integer, err_reason character(100))`);
}

/** Adds the fake SYS view's table (Redshift's newer load-error view). */
export async function createSysView(admin: pg.Client, schema: string): Promise<void> {
  await admin.query(`CREATE TABLE "${schema}".sys_load_error_detail (user_id integer, query_id bigint,
    transaction_id bigint, session_id integer, database_name character(64), table_id integer,
    start_time timestamp, file_name character(256), line_number bigint, column_name character(127),
    column_type character(10), column_length character(10), position integer, error_code integer,
    error_message character(512))`);
}
