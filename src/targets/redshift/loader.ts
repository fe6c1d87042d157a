import type { S3Client } from '@aws-sdk/client-s3';
import { STAGING_PREFIX } from '../../domain/publish/naming.js';
import type { S3Location } from '../../storage/s3/config.js';
import type { LoadRequest } from '../contract.js';
import { compile, qualify } from '../ddl/compiler.js';
import { sql, type TableRef } from '../ddl/nodes.js';
import type { RedshiftConfig } from './config.js';
import { copyAuth, copyCsv, copyStatement } from './copy.js';
import { rsDialect } from './dialect.js';
import { copyFailure, type LoadErrorRow, mapRedshiftError } from './errors.js';
import type { Queryable } from './introspect.js';
import { removeLeftovers, removeStaged, sessionFolder, stageResults } from './staging.js';
import { isNested, rsType } from './type-map.js';

export interface LoadContext {
  readonly config: RedshiftConfig;
  readonly db: Queryable;
  readonly sessionId: string;
  readonly s3: () => Promise<S3Client>;
  /** Whether another publish still owns a staging folder (by session id and its owner file). */
  readonly alive: (sessionId: string, owner: S3Location) => Promise<boolean>;
  /** Rows of the load-error tables for the COPY that just failed on this connection. */
  readonly loadErrors: () => Promise<LoadErrorRow[]>;
}

/** The copy table of a session: a TEMP table, so it never outlives the connection whatever happens. */
export const copyTableName = (sessionId: string): string =>
  `${STAGING_PREFIX}copy_${sessionId.replace(/-/g, '').toLowerCase()}`;

/**
 * Loads the results into `into` inside the executor's open transaction (Redshift has no COPY FROM STDIN):
 *
 * 1. removes staging folders of publishes that crashed, then stages this one's files in S3 (staging.ts);
 * 2. `CREATE TEMP TABLE jobpub_copy_<session>` with the results' columns in the results' order (columnar
 *    COPY matches by position), typed by the type map;
 * 3. one `COPY … MANIFEST` into it (copy.ts); if it fails, the load-error tables say where and why;
 * 4. `INSERT INTO into (cols) SELECT cols FROM copy` (Redshift converts to the table's types) and
 *    `DROP TABLE copy`; the executor then verifies the count and commits, or rolls everything back.
 *
 * The session's S3 folder is removed when the load ends, whether it succeeded or not (COPY has read the
 * files by then); after a crash, the next load through the same staging prefix removes it.
 */
export async function copyLoad(ctx: LoadContext, req: LoadRequest): Promise<number> {
  // CSV files are COPYed as they are, so COPY reads them as jobpub's reader did (header row, delimiter).
  const csv = req.results.format === 'csv' ? copyCsv(req.results.options) : undefined;
  const s3 = await ctx.s3();
  await removeLeftovers(s3, ctx.config.stagingUri, ctx.sessionId, ctx.alive);
  const folder = sessionFolder(ctx.config.stagingUri, ctx.sessionId);
  try {
    const staged = await stageResults(s3, folder, req.results);
    req.onProgress(0, staged.bytes);
    const columns = [...req.columns].sort((a, b) => a.sourceIndex - b.sourceIndex);
    const copy: TableRef = { name: copyTableName(ctx.sessionId) };
    const q = (n: string) => rsDialect.quoteIdent(n);
    const defs = columns.map((c) => {
      const m = rsType(c.source.type);
      return `  ${q(c.name)} ${m.ok ? m.sqlType : c.sqlType}`;
    });
    await run(ctx, `CREATE TEMP TABLE ${q(copy.name)} (\n${defs.join(',\n')}\n)`);
    const statement = copyStatement({
      table: q(copy.name),
      manifestUri: `s3://${staged.manifest.bucket}/${staged.manifest.key}`,
      format: req.results.format,
      auth: copyAuth(ctx.config),
      region: ctx.config.region,
      csv: staged.rewritten ? undefined : csv,
      nested: columns.some((c) => isNested(c.source.type)),
    });
    try {
      await ctx.db.query(statement);
    } catch (e) {
      const rows = await ctx.loadErrors().catch(() => []);
      throw copyFailure(qualify(rsDialect, req.into), e, rows);
    }
    const counted = await run<{ n: string | number }>(ctx, `SELECT count(*) AS n FROM ${q(copy.name)}`);
    const rows = Number(counted[0]?.n ?? 0);
    const names = columns.map((c) => c.name);
    await run(ctx, compile(rsDialect, sql.insertSelect(req.into, copy, names)));
    await run(ctx, compile(rsDialect, sql.dropTable(copy)));
    req.onProgress(rows, staged.bytes);
    return rows;
  } finally {
    // Best effort: a folder left here is removed by the next load (it carries this session's id).
    await removeStaged(s3, folder).catch(() => 0);
  }
}

async function run<R extends object>(ctx: LoadContext, text: string): Promise<R[]> {
  try {
    return (await ctx.db.query<R>(text)).rows;
  } catch (e) {
    throw mapRedshiftError(e);
  }
}
