import { backtick, type Dialect, qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';

/**
 * MySQL/MariaDB: backtick-quoted identifiers. A rename is `RENAME TABLE` with both names qualified (an
 * unqualified new name would move the table into the connection's default database). Tables are InnoDB
 * (transactions for the INSERT … SELECT append) and utf8mb4 with a binary collation, so text keeps case and
 * trailing-space differences exactly.
 */
export const mysqlDialect: Dialect = Object.freeze({
  quoteIdent: backtick,
  renameTable: (from: string, to: string) => `RENAME TABLE ${from} TO ${to}`,
  tableOptions: 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
});

export const qualified = (t: TableRef): string => qualify(mysqlDialect, t);
