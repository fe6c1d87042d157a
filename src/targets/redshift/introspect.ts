import type { ColumnType, TableColumn, TableDescription } from '../../domain/schema/compat.js';
import type { TableRef } from '../ddl/nodes.js';
import { UNBOUNDED_NUMERIC } from '../postgres/introspect.js';

/** The subset of a pg Client that introspection needs. */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Through information_schema, which Redshift keeps for its own tables (its pg_attribute lacks the identity
 * and generated columns postgres/introspect.ts reads). Names are compared in lower case: Redshift folds
 * them, so a table asked for as "Sales" is the table `sales`.
 */
const SCHEMA = 'lower(COALESCE($1, current_schema()))';

const COLUMNS = `SELECT c.column_name AS name, c.data_type, c.domain_name, c.character_maximum_length AS len,
  c.numeric_precision AS prec, c.numeric_scale AS scale, c.is_nullable, c.column_default
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE lower(c.table_schema) = ${SCHEMA} AND lower(c.table_name) = lower($2) AND t.table_type = 'BASE TABLE'
ORDER BY c.ordinal_position`;

interface ColumnRow {
  name: string;
  data_type: string;
  domain_name: string | null;
  len: number | null;
  prec: number | null;
  scale: number | null;
  is_nullable: string;
  column_default: string | null;
}

export async function describeTable(db: Queryable, table: TableRef): Promise<TableDescription | undefined> {
  const { rows } = await db.query<ColumnRow>(COLUMNS, [table.namespace ?? null, table.name]);
  if (rows.length === 0) return undefined;
  return { columns: rows.map(toColumn) };
}

/** Tables and views of a schema (a new table's name must be none of them). */
export async function listTables(db: Queryable, namespace: string | undefined): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE lower(table_schema) = ${SCHEMA} ORDER BY 1`,
    [namespace ?? null],
  );
  return rows.map((r) => r.name);
}

function toColumn(r: ColumnRow): TableColumn {
  const type = (r.domain_name ?? r.data_type).toLowerCase();
  return {
    name: r.name,
    sqlType: spelled(type, r),
    type: columnType(type, r),
    nullable: r.is_nullable === 'YES',
    hasDefault: r.column_default !== null,
  };
}

function spelled(type: string, r: ColumnRow): string {
  if ((type === 'character varying' || type === 'character') && r.len !== null) return `${type}(${r.len})`;
  if (type === 'numeric' && r.prec !== null) return `numeric(${r.prec},${r.scale ?? 0})`;
  return type;
}

/** Types whose meaning does not depend on a modifier, by information_schema's spelling (and the aliases). */
const PLAIN: Readonly<Record<string, ColumnType>> = {
  boolean: { kind: 'boolean' },
  smallint: { kind: 'int', bits: 16, signed: true },
  integer: { kind: 'int', bits: 32, signed: true },
  bigint: { kind: 'int', bits: 64, signed: true },
  real: { kind: 'float' },
  'double precision': { kind: 'double' },
  'character varying': { kind: 'string' },
  character: { kind: 'string' },
  text: { kind: 'string' },
  date: { kind: 'date' },
  'time without time zone': { kind: 'time', unit: 'us' },
  'timestamp without time zone': { kind: 'timestamp', unit: 'us', utc: false },
  'timestamp with time zone': { kind: 'timestamp', unit: 'us', utc: true },
  super: { kind: 'json' },
  varbyte: { kind: 'binary' },
  'binary varying': { kind: 'binary' },
  varbinary: { kind: 'binary' },
};

export function columnType(type: string, r: Pick<ColumnRow, 'prec' | 'scale'>): ColumnType {
  const plain = PLAIN[type];
  if (plain) return plain;
  if (type === 'numeric') {
    return r.prec === null ? UNBOUNDED_NUMERIC : { kind: 'decimal', precision: r.prec, scale: r.scale ?? 0 };
  }
  return { kind: 'unknown', name: type };
}
