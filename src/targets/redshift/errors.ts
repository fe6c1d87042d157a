import { type ErrorLocation, inputError, isJobpubError, JobpubError } from '../../errors/index.js';
import { redact } from '../../publish/redact.js';
import { codeForState, type PgErrorFields, sqlState } from '../postgres/errors.js';

/**
 * Redshift speaks PostgreSQL's protocol and its SQLSTATEs (node-postgres `DatabaseError.code`), so errors are
 * classified exactly like PostgreSQL's (postgres/errors.ts: connection, resources, shutdown, serialization
 * and deadlock are transient; everything refused on purpose terminal), never by message text. Messages are
 * redacted: a COPY's keys must never reach a job record.
 */
export function mapRedshiftError(error: unknown, at: ErrorLocation = {}): JobpubError {
  if (isJobpubError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorFields;
  const message = redact(typeof e.message === 'string' ? e.message : String(error));
  const state = sqlState(error);
  if (state === undefined) {
    const errno = typeof e.code === 'string' ? e.code : 'connection failed';
    return new JobpubError('TARGET_UNAVAILABLE', `Redshift is unavailable (${errno}): ${message}`, at, {
      cause: error,
    });
  }
  const parts = [message];
  if (typeof e.detail === 'string') parts.push(redact(e.detail).slice(0, 300));
  return inputError(codeForState(state), `Redshift: ${parts.join('; ')} [SQLSTATE ${state}]`, at, {
    cause: error,
  });
}

/** One row of SYS_LOAD_ERROR_DETAIL / STL_LOAD_ERRORS, trimmed (their text columns are blank-padded CHAR). */
export interface LoadErrorRow {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: string | undefined;
  readonly code: number | undefined;
  readonly reason: string;
}

/**
 * The job's error for a failed COPY: where (file, line, column) and why, from the load-error table, with
 * Redshift's own message after it. `rows` newest first; without rows, Redshift's message alone.
 */
export function copyFailure(table: string, error: unknown, rows: readonly LoadErrorRow[]): JobpubError {
  const mapped = mapRedshiftError(error);
  const first = rows[0];
  if (!first)
    return new JobpubError(mapped.code, `COPY into ${table}: ${mapped.message}`, {}, { cause: error });
  const at: ErrorLocation = {
    file: first.file,
    ...(first.line !== undefined ? { line: first.line } : {}),
    ...(first.column !== undefined && first.column !== '' ? { column: first.column } : {}),
  };
  const code = first.code !== undefined ? ` [load error ${first.code}]` : '';
  const more =
    rows.length > 1 ? ` (and ${rows.length - 1} more load error${rows.length > 2 ? 's' : ''})` : '';
  return inputError(mapped.code, `${first.reason}${code}${more}; COPY into ${table}: ${mapped.message}`, at, {
    cause: error,
  });
}
