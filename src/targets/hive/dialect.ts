import { backtick, type Dialect, qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';

/**
 * Hive (HiveServer2, Spark Thrift Server): backtick-quoted identifiers. New tables are managed tables
 * stored as Parquet (readable by Hive, Spark, Impala, Trino alike). A rename is `ALTER TABLE … RENAME TO`
 * with both names qualified (an unqualified new name would move the table into the session's database).
 */
export const hiveDialect: Dialect = Object.freeze({
  quoteIdent: backtick,
  renameTable: (from: string, to: string) => `ALTER TABLE ${from} RENAME TO ${to}`,
  tableOptions: 'STORED AS PARQUET',
});

export const qualified = (t: TableRef): string => qualify(hiveDialect, t);

/** A string literal in HiveQL: single quotes, with backslash escapes (Hive reads `\` as an escape). */
export const quoteLiteral = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
