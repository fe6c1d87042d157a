import type { Dialect } from '../ddl/compiler.js';
import { doubleQuote } from '../ddl/compiler.js';

/**
 * DuckDB quotes identifiers with double quotes, like standard SQL. Quoted names keep their spelling but
 * still compare case-insensitively (`"T"` and `"t"` are one table), which is why the capabilities say
 * `identifierCase: 'insensitive'`. The default compiler's `ALTER TABLE … RENAME TO …` is DuckDB's own
 * spelling, so no hook is overridden.
 */
export const quoteIdent = doubleQuote;

/** A string literal: single quotes, doubled inside. Used for file paths and catalog lookups only. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export const duckdbDialect: Dialect = Object.freeze({ quoteIdent });
