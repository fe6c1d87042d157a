import { type Dialect, doubleQuote } from '../ddl/compiler.js';

/**
 * Redshift's SQL for the default compiler: double-quoted identifiers (Redshift still folds them to lower
 * case unless `enable_case_sensitive_identifier` is on, which is why the target declares
 * `identifierCase: 'insensitive'`), and `ALTER TABLE … RENAME TO …` within the schema.
 */
export const rsDialect: Dialect = Object.freeze({ quoteIdent: doubleQuote });
