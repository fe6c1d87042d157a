import { type ErrorCode, isJobpubError, JobpubError } from '../../errors/index.js';

/**
 * HiveServer2 errors as coded JobpubErrors, by the SQLSTATE the server puts in its Thrift status (Spark
 * Thrift Server fills it from its error classes: 42P01 no such table, 42703 no such column, 22xxx data),
 * and by the socket code when the connection itself failed. Never by message text.
 */

/** Socket codes: the server could not be reached or the connection was lost. */
const TRANSIENT_CODE: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes a retry may get past: 08 connection exception, 40 transaction rollback, 53 insufficient
 * resources, 57 operator intervention (cancel, shutdown), 58 system error (I/O), HY timeouts and memory,
 * and Spark's `XX` internal errors (an executor lost, a task that failed for its machine).
 */
const TRANSIENT_CLASS: ReadonlySet<string> = new Set(['08', '40', '53', '57', '58', 'HY', 'XX']);

/** A failed HiveServer2 call: the server's status (SQLSTATE, vendor code, message), or a lost transport. */
export class Hs2Error extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
    readonly errorCode: number | undefined,
    /** The connection failed or was lost (no server status at all). */
    readonly transport: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'Hs2Error';
  }
}

export function hiveErrorCode(error: unknown): ErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODE.has(code)) return 'TARGET_UNAVAILABLE';
  if (!(error instanceof Hs2Error)) return 'TARGET_REJECTED';
  if (error.transport) return 'TARGET_UNAVAILABLE';
  const state = (error.sqlState ?? '').toUpperCase();
  if (state.length === 5 && TRANSIENT_CLASS.has(state.slice(0, 2))) return 'TARGET_UNAVAILABLE';
  return 'TARGET_REJECTED';
}

/** The first line of the server's message: Spark appends its stack and a long hint after it. */
function firstLine(text: string): string {
  const cut = text.indexOf('\n');
  return (cut < 0 ? text : text.slice(0, cut)).replace(
    /^org\.apache\.hive\.service\.cli\.HiveSQLException: /,
    '',
  );
}

/** A HiveServer2 or socket error as a JobpubError; never holds the connection settings. */
export function mapHiveError(error: unknown, context?: string): JobpubError {
  if (isJobpubError(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const tag =
    error instanceof Hs2Error && error.sqlState
      ? ` (SQLSTATE ${error.sqlState})`
      : typeof code === 'string'
        ? ` (${code})`
        : '';
  const where = context ? `${context}: ` : '';
  return new JobpubError(
    hiveErrorCode(error),
    `Hive: ${where}${firstLine(text)}${tag}`,
    {},
    { cause: error },
  );
}
