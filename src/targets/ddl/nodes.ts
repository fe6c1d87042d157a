/**
 * DDL and the few DML statements a publish runs, as frozen data. The planner builds nodes; a target's
 * compiler turns them into SQL with its dialect hooks, so no name is ever pasted into a statement.
 */
export interface TableRef {
  /** Schema (PostgreSQL, DuckDB) or database (MySQL); undefined: the connection's default. */
  readonly namespace?: string | undefined;
  readonly name: string;
}

export interface ColumnDef {
  readonly name: string;
  readonly sqlType: string;
  readonly nullable: boolean;
}

/** One column of a `fillTable` SELECT, in the target table's column order: a staging column or NULL, cast when set. */
export interface FillValue {
  /** The staging column that fills it; undefined: NULL (a table column the results do not have). */
  readonly from?: string | undefined;
  /** The table column's type, when the staging column's type differs (or for NULL). */
  readonly cast?: string | undefined;
}

export type SqlNode =
  | { readonly kind: 'createTable'; readonly table: TableRef; readonly columns: readonly ColumnDef[] }
  | { readonly kind: 'dropTable'; readonly table: TableRef; readonly ifExists: boolean }
  | { readonly kind: 'renameTable'; readonly from: TableRef; readonly to: string }
  /** Several renames in one atomic statement (only where `atomicMultiRename`). */
  | { readonly kind: 'swapTables'; readonly pairs: readonly { from: TableRef; to: TableRef }[] }
  | { readonly kind: 'deleteAll'; readonly table: TableRef }
  | {
      readonly kind: 'insertSelect';
      readonly into: TableRef;
      readonly from: TableRef;
      readonly columns: readonly string[];
    }
  /**
   * `INSERT INTO|OVERWRITE TABLE into SELECT … FROM from`, by position (Hive has no column list for
   * OVERWRITE): one value per table column, in the table's order.
   */
  | {
      readonly kind: 'fillTable';
      readonly into: TableRef;
      readonly from: TableRef;
      readonly overwrite: boolean;
      readonly values: readonly FillValue[];
    };

export const sql = {
  createTable: (table: TableRef, columns: readonly ColumnDef[]): SqlNode =>
    Object.freeze({ kind: 'createTable', table, columns: Object.freeze([...columns]) }),
  dropTable: (table: TableRef, ifExists = false): SqlNode =>
    Object.freeze({ kind: 'dropTable', table, ifExists }),
  renameTable: (from: TableRef, to: string): SqlNode => Object.freeze({ kind: 'renameTable', from, to }),
  swapTables: (pairs: readonly { from: TableRef; to: TableRef }[]): SqlNode =>
    Object.freeze({ kind: 'swapTables', pairs }),
  deleteAll: (table: TableRef): SqlNode => Object.freeze({ kind: 'deleteAll', table }),
  insertSelect: (into: TableRef, from: TableRef, columns: readonly string[]): SqlNode =>
    Object.freeze({ kind: 'insertSelect', into, from, columns }),
  fillTable: (into: TableRef, from: TableRef, overwrite: boolean, values: readonly FillValue[]): SqlNode =>
    Object.freeze({ kind: 'fillTable', into, from, overwrite, values: Object.freeze([...values]) }),
};
