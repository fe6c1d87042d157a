import type { ColumnType, TableColumn, TableDescription } from '../../domain/schema/compat.js';
import type { TimeUnit } from '../../domain/schema/index.js';
import type { TableRef } from '../ddl/nodes.js';

/** The subset of a pg Client that introspection needs (tests can pass a fake). */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * An unconstrained `numeric` keeps every value exactly, up to 131072 digits before the point and 16383
 * after (PostgreSQL's documented limits). It is described as the decimal of exactly those limits, so the
 * compatibility check accepts any integer and any decimal into it and refuses floats (they would need
 * rounding decisions, and NaN has no numeric form for a decimal).
 */
export const UNBOUNDED_NUMERIC: ColumnType = { kind: 'decimal', precision: 131072 + 16383, scale: 16383 };

const TABLE_KINDS = "('r', 'p')";
/** Every kind a user reads as a table: a new table's name must not be any of them. */
const NAMED_KINDS = "('r', 'p', 'v', 'm', 'f')";

const FIND = `SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = COALESCE($1, current_schema()) AND c.relname = $2 AND c.relkind IN ${TABLE_KINDS}`;

// Domains are read as their base type (one level), with the domain's own NOT NULL.
const COLUMNS = `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS sql_type, b.typname AS base,
  CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
  (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS not_null,
  (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

interface ColumnRow {
  name: string;
  sql_type: string;
  base: string;
  typmod: number;
  not_null: boolean;
  has_default: boolean;
}

export async function describeTable(db: Queryable, table: TableRef): Promise<TableDescription | undefined> {
  const found = await db.query<{ oid: number }>(FIND, [table.namespace ?? null, table.name]);
  const oid = found.rows[0]?.oid;
  if (oid === undefined) return undefined;
  const { rows } = await db.query<ColumnRow>(COLUMNS, [oid]);
  return { columns: rows.map(toColumn) };
}

export async function listTables(db: Queryable, namespace: string | undefined): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = COALESCE($1, current_schema()) AND c.relkind IN ${NAMED_KINDS} ORDER BY 1`,
    [namespace ?? null],
  );
  return rows.map((r) => r.relname);
}

function toColumn(r: ColumnRow): TableColumn {
  return {
    name: r.name,
    sqlType: r.sql_type,
    type: columnType(r.base, r.typmod, r.sql_type),
    nullable: !r.not_null,
    hasDefault: r.has_default,
  };
}

/** Types whose meaning does not depend on a modifier. */
const PLAIN: Readonly<Record<string, ColumnType>> = {
  bool: { kind: 'boolean' },
  int2: { kind: 'int', bits: 16, signed: true },
  int4: { kind: 'int', bits: 32, signed: true },
  int8: { kind: 'int', bits: 64, signed: true },
  float4: { kind: 'float' },
  float8: { kind: 'double' },
  text: { kind: 'string' },
  varchar: { kind: 'string' },
  bpchar: { kind: 'string' },
  bytea: { kind: 'binary' },
  date: { kind: 'date' },
  uuid: { kind: 'uuid' },
  json: { kind: 'json' },
  jsonb: { kind: 'json' },
};

/** A PostgreSQL column type (base type name and modifier) in logical terms; `unknown` when jobpub cannot tell. */
export function columnType(base: string, typmod: number, sqlType: string): ColumnType {
  const plain = PLAIN[base];
  if (plain) return plain;
  const unknown: ColumnType = { kind: 'unknown', name: sqlType };
  switch (base) {
    case 'numeric': {
      if (typmod < 4) return UNBOUNDED_NUMERIC;
      const packed = typmod - 4;
      const precision = (packed >> 16) & 0xffff;
      const scale = ((packed & 0x7ff) ^ 1024) - 1024; // PostgreSQL 15 packs a signed 11-bit scale
      // A negative scale rounds to tens, hundreds…: no logical decimal describes it.
      return scale < 0 ? unknown : { kind: 'decimal', precision, scale };
    }
    case 'time': {
      const unit = fractionUnit(typmod);
      return unit ? { kind: 'time', unit } : unknown;
    }
    case 'timestamp':
    case 'timestamptz': {
      const unit = fractionUnit(typmod);
      return unit ? { kind: 'timestamp', unit, utc: base === 'timestamptz' } : unknown;
    }
    default:
      return unknown;
  }
}

/**
 * `time(p)` / `timestamp(p)` round to p fractional digits: p 6 (or none) keeps microseconds, 3 to 5 keep
 * milliseconds exactly; fewer digits would round even milliseconds, so such a column is `unknown`.
 */
function fractionUnit(typmod: number): TimeUnit | undefined {
  if (typmod < 0 || typmod >= 6) return 'us';
  return typmod >= 3 ? 'ms' : undefined;
}
