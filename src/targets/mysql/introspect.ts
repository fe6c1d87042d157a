import type { ColumnType, TableColumn, TableDescription } from '../../domain/schema/compat.js';
import { t } from '../../domain/schema/index.js';
import { backtick } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';

/** What introspection needs from a connection: one parameterised query answering rows of strings. */
export type Query = (
  sql: string,
  params: readonly (string | null)[],
) => Promise<Record<string, string | null>[]>;

export interface ColumnRow {
  readonly name: string;
  readonly dataType: string;
  readonly columnType: string;
  readonly nullable: string;
  readonly def: string | null;
  readonly extra: string;
  readonly charset: string | null;
  readonly collation: string | null;
  readonly precision: string | null;
  readonly scale: string | null;
  readonly fsp: string | null;
}

const INT_BITS: Readonly<Record<string, 8 | 16 | 32 | 64>> = {
  tinyint: 8,
  smallint: 16,
  // mediumint is 24 bits: described by the widest logical type it holds entirely (int16 / uint16), so the
  // planner refuses int32 values before any data moves instead of the load failing on the first big one.
  mediumint: 16,
  int: 32,
  integer: 32,
  bigint: 64,
};
const TEXT = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/** Fraction digits 6 keep microseconds; 0–5 are described as ms (the loader refuses digits beyond fsp). */
const unitOf = (fsp: string | null) => (Number(fsp ?? 0) >= 6 ? 'us' : 'ms');

/**
 * A column's type in logical terms. `tinyint(1)` is MySQL's boolean. `datetime` is wall-clock time (no
 * zone): jobpub writes UTC instants there as their UTC wall-clock time, and appending UTC results gets the
 * planner's warning saying exactly that, while wall-clock results go in silently. (Describing datetime as
 * UTC instead would silence the first and warn the second with "a column with time zone", which a datetime
 * is not.) `timestamp` columns are UTC instants (converted through the session time zone, +00:00).
 */
export function columnType(c: ColumnRow, isJson: boolean): ColumnType {
  const data = c.dataType.toLowerCase();
  const full = c.columnType.toLowerCase();
  const unsigned = /\bunsigned\b/.test(full);
  if (isJson || data === 'json') return { kind: 'json' };
  if (data === 'tinyint' && /^tinyint\(1\)/.test(full) && !unsigned) return t.boolean();
  const bits = INT_BITS[data];
  if (bits !== undefined) return t.int(bits, !unsigned);
  if (data === 'decimal' || data === 'numeric') return t.decimal(Number(c.precision), Number(c.scale));
  // float(M,D) / double(M,D) round every value to D digits: not a float jobpub can fill exactly.
  if (data === 'float' && !full.includes('(')) return t.float();
  if ((data === 'double' || data === 'real') && !full.includes('(')) return t.double();
  if (TEXT.has(data)) return t.string();
  if (BINARY.has(data)) return t.binary();
  if (data === 'uuid') return t.uuid(); // MariaDB 10.7+
  if (data === 'date') return t.date();
  if (data === 'time') return t.time(unitOf(c.fsp));
  if (data === 'datetime') return t.timestamp(unitOf(c.fsp), false);
  if (data === 'timestamp') return t.timestamp(unitOf(c.fsp), true);
  return { kind: 'unknown', name: c.columnType };
}

/** The column's spelling, precise enough to create a staging copy of it: text columns keep their charset. */
export function sqlTypeOf(c: ColumnRow, type: ColumnType): string {
  if (type.kind === 'json') return 'json';
  if (c.charset && c.collation && TEXT.has(c.dataType.toLowerCase())) {
    return `${c.columnType} CHARACTER SET ${c.charset} COLLATE ${c.collation}`;
  }
  return c.columnType;
}

const hasDefault = (c: ColumnRow) =>
  c.def !== null || /auto_increment|generated|virtual|persistent|stored/i.test(c.extra);

/** Compares names the way the server does: exactly when lower_case_table_names is 0, else case-insensitively. */
export const nameIs = (column: string, exact: boolean, param = '?') =>
  exact ? `CAST(${column} AS BINARY) = CAST(${param} AS BINARY)` : `${column} = ${param}`;

/** A namespace parameter: NULL means the connection's database. */
const SCHEMA_PARAM = 'COALESCE(?, DATABASE())';

export async function describeTable(
  q: Query,
  table: TableRef,
  exact: boolean,
): Promise<TableDescription | undefined> {
  const schema = table.namespace ?? null;
  const where = `${nameIs('table_schema', exact, SCHEMA_PARAM)} AND ${nameIs('table_name', exact)}`;
  const rows = (await q(
    `SELECT column_name AS name, data_type AS dataType, column_type AS columnType, is_nullable AS nullable,
       column_default AS def, extra AS extra, character_set_name AS charset, collation_name AS collation,
       CAST(numeric_precision AS CHAR) AS \`precision\`, CAST(numeric_scale AS CHAR) AS scale,
       CAST(datetime_precision AS CHAR) AS fsp
     FROM information_schema.columns WHERE ${where} ORDER BY ordinal_position`,
    [schema, table.name],
  )) as unknown as ColumnRow[];
  if (rows.length === 0) return undefined;
  const json = await jsonColumns(q, schema, table.name, exact);
  const columns: TableColumn[] = rows.map((c) => {
    const type = columnType(c, json.has(c.name));
    return {
      name: c.name,
      sqlType: sqlTypeOf(c, type),
      type,
      nullable: c.nullable === 'YES',
      hasDefault: hasDefault(c),
    };
  });
  const engine = (await q(`SELECT engine FROM information_schema.tables WHERE ${where}`, [
    schema,
    table.name,
  ])) as unknown as { engine: string | null }[];
  // InnoDB (and Aria/RocksDB-like engines with transactions) roll back; MyISAM, MEMORY, CSV… do not.
  const transactional = !['MYISAM', 'MEMORY', 'CSV', 'ARCHIVE', 'MRG_MYISAM'].includes(
    String(engine[0]?.engine ?? 'InnoDB').toUpperCase(),
  );
  return { columns, transactional };
}

/**
 * MariaDB's `json` is `longtext` with a column CHECK `json_valid(col)`; information_schema.columns says only
 * longtext. MySQL's json is a real type and its check_constraints has no table_name: then there is nothing
 * to find here (the query fails with 1054 and answers none).
 */
async function jsonColumns(
  q: Query,
  schema: string | null,
  table: string,
  exact: boolean,
): Promise<Set<string>> {
  let rows: Record<string, string | null>[];
  try {
    rows = await q(
      `SELECT constraint_name AS name, check_clause AS clause FROM information_schema.check_constraints
       WHERE ${nameIs('constraint_schema', exact, SCHEMA_PARAM)} AND ${nameIs('table_name', exact)}`,
      [schema, table],
    );
  } catch (e) {
    if ((e as { errno?: unknown }).errno === 1054) return new Set();
    throw e;
  }
  const out = new Set<string>();
  const squeeze = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  for (const r of rows) {
    const name = r.name ?? '';
    if (squeeze(r.clause ?? '') === squeeze(`json_valid(${backtick(name)})`)) out.add(name);
  }
  return out;
}

export async function listTables(q: Query, namespace: string | undefined, exact: boolean): Promise<string[]> {
  const rows = await q(
    `SELECT table_name AS name FROM information_schema.tables WHERE ${nameIs('table_schema', exact, SCHEMA_PARAM)}`,
    [namespace ?? null],
  );
  return rows.map((r) => r.name ?? '');
}
