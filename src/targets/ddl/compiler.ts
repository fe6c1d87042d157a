import type { SqlNode, TableRef } from './nodes.js';

/**
 * A target's dialect: the tiny set of hooks that differ. Quoting lives here and only here.
 */
export interface Dialect {
  /** Quotes one identifier, escaping the quote character inside it. */
  quoteIdent(name: string): string;
  /** Statement that renames one table within its namespace; both names come qualified. */
  renameTable?(from: string, to: string): string;
  /** Clause after CREATE TABLE's column list (engine, character set). */
  readonly tableOptions?: string;
}

export function qualify(d: Dialect, t: TableRef): string {
  return t.namespace === undefined
    ? d.quoteIdent(t.name)
    : `${d.quoteIdent(t.namespace)}.${d.quoteIdent(t.name)}`;
}

/** The default compiler: standard SQL, with the dialect's quoting and overrides. */
export function compile(d: Dialect, node: SqlNode): string {
  switch (node.kind) {
    case 'createTable': {
      const cols = node.columns.map(
        (c) => `  ${d.quoteIdent(c.name)} ${c.sqlType}${c.nullable ? '' : ' NOT NULL'}`,
      );
      return `CREATE TABLE ${qualify(d, node.table)} (\n${cols.join(',\n')}\n)${d.tableOptions ? ` ${d.tableOptions}` : ''}`;
    }
    case 'dropTable':
      return `DROP TABLE ${node.ifExists ? 'IF EXISTS ' : ''}${qualify(d, node.table)}`;
    case 'renameTable':
      return d.renameTable
        ? d.renameTable(qualify(d, node.from), qualify(d, { namespace: node.from.namespace, name: node.to }))
        : `ALTER TABLE ${qualify(d, node.from)} RENAME TO ${d.quoteIdent(node.to)}`;
    case 'swapTables':
      return `RENAME TABLE ${node.pairs.map((p) => `${qualify(d, p.from)} TO ${qualify(d, p.to)}`).join(', ')}`;
    case 'deleteAll':
      return `DELETE FROM ${qualify(d, node.table)}`;
    case 'insertSelect': {
      const cols = node.columns.map((c) => d.quoteIdent(c)).join(', ');
      return `INSERT INTO ${qualify(d, node.into)} (${cols}) SELECT ${cols} FROM ${qualify(d, node.from)}`;
    }
    case 'fillTable': {
      const values = node.values.map((v) => {
        const value = v.from === undefined ? 'NULL' : d.quoteIdent(v.from);
        return v.cast === undefined ? value : `CAST(${value} AS ${v.cast})`;
      });
      return `INSERT ${node.overwrite ? 'OVERWRITE' : 'INTO'} TABLE ${qualify(d, node.into)} SELECT ${values.join(', ')} FROM ${qualify(d, node.from)}`;
    }
  }
}

/** Standard double-quote quoting (PostgreSQL, DuckDB, Redshift). */
export const doubleQuote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** Backtick quoting (MySQL, MariaDB, Hive). */
export const backtick = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
