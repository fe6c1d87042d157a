import { ERRORS, type ErrorCode } from './registry.js';

/** Where in the input an error was found: every part that is known is named in the message. */
export interface ErrorLocation {
  readonly file?: string;
  readonly column?: string;
  readonly line?: number;
  readonly row?: number;
}

export class JobpubError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JobpubError';
    this.code = code;
    this.location = location;
  }

  get terminal(): boolean {
    return ERRORS[this.code].terminal;
  }
}

/**
 * An error about one input file, its message prefixed with where: `<file>: line 7: column "price": <problem>`.
 */
export function inputError(
  code: ErrorCode,
  problem: string,
  where: ErrorLocation,
  options?: { cause?: unknown },
): JobpubError {
  const parts: string[] = [];
  if (where.file !== undefined) parts.push(where.file);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.row !== undefined) parts.push(`row ${where.row}`);
  if (where.column !== undefined) parts.push(`column "${where.column}"`);
  parts.push(problem);
  return new JobpubError(code, parts.join(': '), where, options);
}

export function isJobpubError(e: unknown): e is JobpubError {
  return e instanceof JobpubError;
}
