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
    summary: 'A result file is not a valid file of its format (magic bytes, truncation, corruption, bad value)',
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
  USAGE: {
    status: 400,
    exceptionName: 'ValidationFailed',
    terminal: true,
    summary: 'A command or request was called with wrong arguments',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
