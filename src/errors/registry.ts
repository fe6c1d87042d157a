/**
 * Every error jobpub raises on purpose has a code here. The code decides the HTTP status and Trifacta
 * `exception.name` the API answers with, and whether a job that hit it may be retried (transient) or
 * must end Failed (terminal).
 */
export interface ErrorSpec {
  readonly status: number;
  readonly exceptionName: string;
  readonly terminal: boolean;
  readonly summary: string;
}

export const ERRORS = {
  RESULTS_NOT_FOUND: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A result file or folder does not exist',
  },
  RESULTS_EMPTY: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A results folder holds no part files',
  },
  RESULTS_INVALID: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary:
      'A result file is not a valid file of its format (magic bytes, truncation, corruption, bad value)',
  },
  RESULTS_UNSUPPORTED: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A result file uses a codec, type or layout jobpub cannot read',
  },
  RESULTS_SCHEMA_MISMATCH: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'Two part files of one result have different schemas',
  },
  PUBLISH_BAD_NAME: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary:
      'A table or column name the target cannot hold (too long, control character, folds into another)',
  },
  PUBLISH_UNMAPPABLE: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A results column has a type the target cannot hold exactly',
  },
  PUBLISH_INCOMPATIBLE: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'The existing table cannot take the results (missing or narrower columns, NOT NULL unfilled)',
  },
  PUBLISH_TABLE_MISSING: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'load into a table that does not exist',
  },
  PUBLISH_FORMAT_REFUSED: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'The target does not accept results of this format',
  },
  PUBLISH_COUNT_MISMATCH: {
    status: 500,
    exceptionName: 'InternalError',
    terminal: true,
    summary:
      'The rows in the target after loading differ from the rows in the results; nothing was committed',
  },
  TARGET_REJECTED: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'The target refused a statement or a value (constraint, type, permission)',
  },
  TARGET_UNAVAILABLE: {
    status: 503,
    exceptionName: 'ServiceUnavailable',
    terminal: false,
    summary: 'The target could not be reached or dropped the connection; the publish may be retried',
  },
  TARGET_BUSY: {
    status: 409,
    exceptionName: 'Conflict',
    terminal: false,
    summary: 'The target is held by another process (a DuckDB file) or a lock timed out',
  },
  USAGE: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A command or request was called with wrong arguments',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
