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
  STORAGE_REFUSED: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary:
      'The result storage (S3) refused a request: access denied, bad or expired keys, wrong region or endpoint',
  },
  STORAGE_UNAVAILABLE: {
    status: 503,
    exceptionName: 'ServiceUnavailable',
    terminal: false,
    summary: 'The result storage (S3) could not be reached, throttled or failed; the request may be retried',
  },
  TARGET_BUSY: {
    status: 409,
    exceptionName: 'Conflict',
    terminal: false,
    summary: 'The target is held by another process (a DuckDB file) or a lock timed out',
  },
  PUBLISH_CANCELED: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'The publish was canceled before it committed; the target was left as it was',
  },
  VALIDATION: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A request body, parameter or state that forbids the call',
  },
  AUTH_FAILED: {
    status: 401,
    exceptionName: 'AuthenticationFailed',
    terminal: true,
    summary: 'No credentials, bad credentials or an expired token',
  },
  FORBIDDEN: {
    status: 403,
    exceptionName: 'AccessControlException',
    terminal: true,
    summary: 'Authenticated, but not allowed on that object',
  },
  NOT_FOUND: {
    status: 404,
    exceptionName: 'DataNotFoundException',
    terminal: true,
    summary: 'No such object, or not visible to the caller',
  },
  ROUTE_NOT_FOUND: {
    status: 404,
    exceptionName: 'RouteNotFoundException',
    terminal: true,
    summary: 'No such route',
  },
  CONFLICT: {
    status: 409,
    exceptionName: 'Conflict',
    terminal: true,
    summary: 'The object is in use or already exists',
  },
  GONE: {
    status: 410,
    exceptionName: 'Gone',
    terminal: true,
    summary: 'The object was deleted',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    exceptionName: 'UnsupportedMediaType',
    terminal: true,
    summary: 'A request body that is not application/json',
  },
  RATE_LIMITED: {
    status: 429,
    exceptionName: 'TooManyRequestsException',
    terminal: false,
    summary: 'Too many requests from one caller in the current window',
  },
  INTERNAL: {
    status: 500,
    exceptionName: 'InternalError',
    terminal: false,
    summary: 'An unexpected failure inside jobpub',
  },
  USAGE: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A command or request was called with wrong arguments',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
