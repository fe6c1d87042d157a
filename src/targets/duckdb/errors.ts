import { type ErrorCode, isJobpubError, JobpubError } from '../../errors/index.js';

/**
 * DuckDB errors as coded JobpubErrors.
 *
 * Why the message prefix: the DuckDB C API has an error type (`duckdb_result_error_type`,
 * `duckdb_error_data_error_type`), but @duckdb/node-api 1.5 does not bind it: a failed statement rejects
 * with a plain `Error` whose only field is `message`, always written `<Type> Error: <text>` by DuckDB's
 * `Exception::ExceptionTypeToString`. That leading type name is the one stable handle, so it is read here
 * and nowhere else; the text after it is never matched. (Appender failures carry no type at all:
 * `Failed to append: …`; the loader wraps those itself.)
 */
const BY_TYPE: Readonly<Record<string, ErrorCode>> = {
  // Transient: another transaction, the machine or the file got in the way; a retry may succeed.
  TransactionContext: 'TARGET_UNAVAILABLE', // write-write conflict between transactions
  IO: 'TARGET_UNAVAILABLE',
  'Out of Memory': 'TARGET_UNAVAILABLE',
  INTERRUPT: 'TARGET_UNAVAILABLE',
  FATAL: 'TARGET_UNAVAILABLE', // the database instance is invalidated; a retry reopens it
  INTERNAL: 'TARGET_UNAVAILABLE',
  Connection: 'TARGET_UNAVAILABLE',
  Network: 'TARGET_UNAVAILABLE',
  HTTP: 'TARGET_UNAVAILABLE',
  // Everything else DuckDB raises is about the statement or a value: terminal.
  Conversion: 'TARGET_REJECTED',
  Constraint: 'TARGET_REJECTED',
  'Out of Range': 'TARGET_REJECTED',
  'Invalid Input': 'TARGET_REJECTED',
  Catalog: 'TARGET_REJECTED',
  Binder: 'TARGET_REJECTED',
  Parser: 'TARGET_REJECTED',
  Permission: 'TARGET_REJECTED',
  Dependency: 'TARGET_REJECTED',
};

const TYPE_PREFIX = /^([A-Za-z][A-Za-z ]*?) Error: /;

/** The DuckDB error type name (`Conversion`, `IO`, `TransactionContext`, …), or undefined. */
export function duckdbErrorType(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return TYPE_PREFIX.exec(error.message)?.[1];
}

export function mapDuckdbError(error: unknown): JobpubError {
  if (isJobpubError(error)) return error;
  const type = duckdbErrorType(error);
  const text = error instanceof Error ? error.message : String(error);
  const code = type === undefined ? 'TARGET_REJECTED' : (BY_TYPE[type] ?? 'TARGET_REJECTED');
  return new JobpubError(code, `DuckDB: ${firstLine(text)}`, {}, { cause: error });
}

/** DuckDB appends a caret diagram of the statement after the first line; the first line is the error. */
function firstLine(text: string): string {
  const cut = text.indexOf('\n');
  return cut < 0 ? text : text.slice(0, cut);
}
