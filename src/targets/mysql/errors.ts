import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { type ErrorCode, isJobpubError, JobpubError } from '../../errors/index.js';

/**
 * MySQL/MariaDB errors as coded JobpubErrors, by the server's error number (`errno`), the client's code
 * for a socket or protocol failure, and the SQLSTATE class for server errors not listed. Never by text.
 */

/** Server and client error numbers whose retry may succeed: the connection, the server or a lock got in the way. */
const TRANSIENT_ERRNO: ReadonlySet<number> = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1152, // ER_ABORTING_CONNECTION
  1158, // ER_NET_READ_ERROR
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1184, // ER_NEW_ABORTING_CONNECTION
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK
  1226, // ER_USER_LIMIT_REACHED
  1317, // ER_QUERY_INTERRUPTED (KILL QUERY)
  1637, // ER_TOO_MANY_CONCURRENT_TRXS
  1927, // ER_CONNECTION_KILLED (MariaDB)
  1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
  2002, // CR_CONNECTION_ERROR
  2003, // CR_CONN_HOST_ERROR
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
]);

/** Socket and mysql2 protocol codes: the connection could not be made or was lost. */
const TRANSIENT_CODE: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** LOAD DATA LOCAL refused because local_infile is off on the server (MariaDB 4166, MySQL 1148 and 3948). */
const LOCAL_INFILE_DISABLED: ReadonlySet<number> = new Set([1148, 3948, 4166]);

/** The server refused LOAD DATA LOCAL before reading any row: the loader falls back to INSERTs. */
export function isLocalInfileRefused(error: unknown): boolean {
  const errno = (error as MysqlDriverError | undefined)?.errno;
  return typeof errno === 'number' && LOCAL_INFILE_DISABLED.has(errno);
}

interface MysqlDriverError {
  readonly errno?: unknown;
  readonly code?: unknown;
  readonly sqlState?: unknown;
  readonly sqlMessage?: unknown;
  readonly fatal?: unknown;
  readonly message?: unknown;
}

/** The code a driver error maps to. Exported for the unit test. */
export function mysqlErrorCode(error: unknown): ErrorCode {
  const e = (error ?? {}) as MysqlDriverError;
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  if (errno !== undefined && errno > 0 && TRANSIENT_ERRNO.has(errno)) return 'TARGET_UNAVAILABLE';
  if (typeof e.code === 'string' && TRANSIENT_CODE.has(e.code)) return 'TARGET_UNAVAILABLE';
  const state = typeof e.sqlState === 'string' ? e.sqlState : '';
  // SQLSTATE class 08: connection exception; 40: transaction rollback (deadlock, serialization).
  if (state.startsWith('08') || state.startsWith('40')) return 'TARGET_UNAVAILABLE';
  // A server error is about the statement or a value: terminal (1062 duplicate key, 1064 syntax, 1146 no
  // such table, 1264 out of range, 1292 incorrect value, 1045 access denied, ...).
  if (errno !== undefined && errno > 0) return 'TARGET_REJECTED';
  // No server errno and fatal: mysql2 lost the connection ("closed state").
  if (e.fatal === true) return 'TARGET_UNAVAILABLE';
  return 'TARGET_REJECTED';
}

/**
 * A driver error as a JobpubError. The message is the server's own (it names the table or column) with its
 * number; it never holds the connection settings, so never a password.
 */
export function mapMysqlError(error: unknown, context?: string): JobpubError {
  if (isJobpubError(error)) return error;
  const e = (error ?? {}) as MysqlDriverError;
  const errno = typeof e.errno === 'number' && e.errno > 0 ? e.errno : undefined;
  const text =
    typeof e.sqlMessage === 'string'
      ? e.sqlMessage
      : typeof e.message === 'string'
        ? e.message
        : String(error);
  const tag =
    errno !== undefined
      ? ` (error ${errno}${typeof e.sqlState === 'string' ? `, SQLSTATE ${e.sqlState}` : ''})`
      : typeof e.code === 'string'
        ? ` (${e.code})`
        : '';
  const where = context ? `${context}: ` : '';
  return new JobpubError(mysqlErrorCode(error), `MySQL: ${where}${text}${tag}`, {}, { cause: error });
}

const SHOWN_WARNINGS = 5;

/**
 * A statement that stored values with warnings or notes did not store them exactly (a zero for a bad
 * date, a cut string, a rounded decimal): it fails the load, quoting the server's first warnings, which
 * name the column and the row.
 */
export async function failOnWarnings(conn: Connection, header: ResultSetHeader, what: string): Promise<void> {
  if (header.warningStatus === 0) return;
  const [warnings] = await conn.query<RowDataPacket[]>(`SHOW WARNINGS LIMIT ${SHOWN_WARNINGS}`);
  const shown = warnings.map((w) => `${w.Level} ${w.Code}: ${w.Message}`).join('; ');
  throw new JobpubError(
    'TARGET_REJECTED',
    `MySQL: ${what} raised ${header.warningStatus} warning(s), so values would not be stored exactly: ${shown}; nothing was committed`,
  );
}
