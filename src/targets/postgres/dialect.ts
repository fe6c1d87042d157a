import { type Dialect, doubleQuote } from '../ddl/compiler.js';

/**
 * PostgreSQL's SQL: standard double-quoted identifiers (always quoted, so names keep their case) and the
 * default compiler for everything else (`ALTER TABLE … RENAME TO …` renames within the schema).
 */
export const pgDialect: Dialect = Object.freeze({ quoteIdent: doubleQuote });
