import {
  type ErrorCode,
  type ErrorLocation,
  inputError,
  isJobpubError,
  JobpubError,
} from '../../errors/index.js';

/**
 * PostgreSQL errors by SQLSTATE (node-postgres `DatabaseError.code`) and socket errors by errno code,
 * never by message text. Transient: the server could not be reached or dropped us, ran out of resources,
 * was shut down, or chose us as a deadlock / serialization victim; a retry of the whole publish is safe
 * because a publish is all-or-nothing. Terminal: everything the server refused on purpose.
 */
const TRANSIENT_CLASSES = new Set(['08', '53', '57', '58']);
const TRANSIENT_STATES = new Set(['40001', '40P01', '40003', '55P03']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export interface PgErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly severity?: unknown;
  readonly detail?: unknown;
  readonly where?: unknown;
  readonly schema?: unknown;
  readonly table?: unknown;
  readonly column?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a server error, or undefined for anything else (socket errors, driver errors). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as PgErrorFields;
  return typeof e.code === 'string' && typeof e.severity === 'string' && SQLSTATE.test(e.code)
    ? e.code
    : undefined;
}

/** The jobpub code for a SQLSTATE: 08/53/57/58, deadlock, serialization and lock-timeout are transient. */
export function codeForState(state: string): ErrorCode {
  if (TRANSIENT_STATES.has(state) || TRANSIENT_CLASSES.has(state.slice(0, 2))) return 'TARGET_UNAVAILABLE';
  return 'TARGET_REJECTED';
}

/**
 * Any error from the driver as a coded JobpubError. An error with neither SQLSTATE nor a known errno
 * ("Connection terminated unexpectedly", a protocol error) is a broken connection: transient.
 * Messages carry the server's words, the table/column it names and its SQLSTATE, never connection details.
 */
export function mapPgError(error: unknown, at: ErrorLocation = {}): JobpubError {
  if (isJobpubError(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorFields;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const state = sqlState(error);
  if (state === undefined) {
    const errno = typeof e.code === 'string' ? e.code : undefined;
    const why = errno !== undefined && SOCKET_CODES.has(errno) ? errno : 'connection failed';
    return new JobpubError('TARGET_UNAVAILABLE', `PostgreSQL is unavailable (${why}): ${message}`, at, {
      cause: error,
    });
  }
  const parts = [message];
  const table = typeof e.table === 'string' ? e.table : undefined;
  if (table !== undefined)
    parts.push(`table ${typeof e.schema === 'string' ? `"${e.schema}".` : ''}"${table}"`);
  if (typeof e.column === 'string' && at.column === undefined) parts.push(`column "${e.column}"`);
  if (typeof e.detail === 'string') parts.push(clip(e.detail));
  if (typeof e.where === 'string') parts.push(`(${clip(e.where)})`);
  return inputError(codeForState(state), `PostgreSQL: ${parts.join('; ')} [SQLSTATE ${state}]`, at, {
    cause: error,
  });
}

/**
 * Where a COPY failed, from the error's context line (`COPY t, line 3, column amount: "x"`): the line is
 * the 1-based row of the load (one row per line), the column one of the columns loaded.
 */
export function copyLocation(error: unknown, columns: readonly string[]): ErrorLocation {
  const context = (error as PgErrorFields | null)?.where;
  if (typeof context !== 'string') return {};
  // Inner contexts come first (`JSON data, line 1: …`); the COPY line is the outermost, the last one.
  const where = context.slice(context.lastIndexOf('\n') + 1);
  const m = /, \S+ (\d+)(, \S+ )?/.exec(where);
  if (!m) return {};
  const row = Number(m[1]);
  // After "line N, column ": the first loaded name followed by ':' (longest first: `a` vs `a: b`).
  const rest = m[2] === undefined ? '' : where.slice(m.index + m[0].length);
  const column = [...columns]
    .sort((a, b) => b.length - a.length)
    .find((c) => rest.startsWith(`${c}:`) || rest === c);
  return column === undefined ? { row } : { row, column };
}

const clip = (s: string, max = 300) => (s.length > max ? `${s.slice(0, max)}…` : s);
