import {
  type DuckDBConnection,
  DuckDBListType,
  DuckDBMapType,
  DuckDBStructType,
  type DuckDBType,
  DuckDBTypeId,
} from '@duckdb/node-api';
import type { ColumnType, TableColumn, TableDescription } from '../../domain/schema/compat.js';
import { field, type LogicalType, t } from '../../domain/schema/index.js';
import { qualify } from '../ddl/compiler.js';
import type { TableRef } from '../ddl/nodes.js';
import { duckdbDialect, quoteLiteral } from './dialect.js';

export const DEFAULT_SCHEMA = 'main';

/**
 * Existing tables, in logical terms. Names compare case-insensitively, as DuckDB does. Column types come
 * from DuckDB's own type objects (a zero-row SELECT of the table), not from parsing `data_type` text, so
 * nested types (LIST, STRUCT, MAP) are read exactly; `data_type` is kept as the spelling for messages.
 */
export async function describeTable(
  conn: DuckDBConnection,
  table: TableRef,
): Promise<TableDescription | undefined> {
  const schema = table.namespace ?? DEFAULT_SCHEMA;
  const found = await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()
       AND lower(schema_name) = lower(${quoteLiteral(schema)}) AND lower(table_name) = lower(${quoteLiteral(table.name)})`,
  );
  if (found.currentRowCount === 0) return undefined;
  const meta = await conn.runAndReadAll(
    `SELECT column_name, data_type, is_nullable, column_default IS NOT NULL FROM duckdb_columns()
      WHERE database_name = current_database() AND lower(schema_name) = lower(${quoteLiteral(schema)})
        AND lower(table_name) = lower(${quoteLiteral(table.name)}) ORDER BY column_index`,
  );
  const probe = await conn.runAndReadAll(
    `SELECT * FROM ${qualify(duckdbDialect, { ...table, namespace: schema })} LIMIT 0`,
  );
  const types = probe.columnTypes();
  const columns: TableColumn[] = meta.getRows().map((row, i) => ({
    name: String(row[0]),
    sqlType: String(row[1]),
    type: columnType(types[i]!),
    nullable: row[2] === true,
    hasDefault: row[3] === true,
  }));
  return { columns };
}

/** Tables and views of a schema: their names are taken for the `_2`, `_3` suffixes. */
export async function listTables(conn: DuckDBConnection, namespace: string | undefined): Promise<string[]> {
  const schema = quoteLiteral(namespace ?? DEFAULT_SCHEMA);
  const reader = await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND lower(schema_name) = lower(${schema})
     UNION ALL
     SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND lower(schema_name) = lower(${schema})`,
  );
  return reader.getRows().map((r) => String(r[0]));
}

const SIMPLE: Partial<Record<DuckDBTypeId, LogicalType>> = {
  [DuckDBTypeId.BOOLEAN]: t.boolean(),
  [DuckDBTypeId.TINYINT]: t.int(8),
  [DuckDBTypeId.SMALLINT]: t.int(16),
  [DuckDBTypeId.INTEGER]: t.int(32),
  [DuckDBTypeId.BIGINT]: t.int(64),
  [DuckDBTypeId.UTINYINT]: t.int(8, false),
  [DuckDBTypeId.USMALLINT]: t.int(16, false),
  [DuckDBTypeId.UINTEGER]: t.int(32, false),
  [DuckDBTypeId.UBIGINT]: t.int(64, false),
  // HUGEINT (128 bits) holds every 38-digit integer: as decimal(38,0) the compatibility check lets
  // int64 and decimal(p,0) in.
  [DuckDBTypeId.HUGEINT]: t.decimal(38, 0),
  [DuckDBTypeId.FLOAT]: t.float(),
  [DuckDBTypeId.DOUBLE]: t.double(),
  [DuckDBTypeId.VARCHAR]: t.string(),
  [DuckDBTypeId.BLOB]: t.binary(),
  [DuckDBTypeId.DATE]: t.date(),
  [DuckDBTypeId.TIME]: t.time('us'),
  [DuckDBTypeId.TIME_NS]: t.time('ns'),
  [DuckDBTypeId.TIMESTAMP_MS]: t.timestamp('ms', false),
  [DuckDBTypeId.TIMESTAMP]: t.timestamp('us', false),
  [DuckDBTypeId.TIMESTAMP_NS]: t.timestamp('ns', false),
  [DuckDBTypeId.TIMESTAMP_TZ]: t.timestamp('us', true),
  [DuckDBTypeId.UUID]: t.uuid(),
};

/**
 * A DuckDB type in logical terms. DuckDB's nested children are always nullable. Types jobpub has no
 * logical twin for (TIMESTAMP_S, TIMETZ, INTERVAL, ENUM, fixed ARRAY, UNION, BIT, …, or a nested type
 * holding one) are `unknown` with DuckDB's spelling: the planner refuses to append into them.
 */
export function columnType(type: DuckDBType): ColumnType {
  if (type.typeId === DuckDBTypeId.VARCHAR && type.alias === 'JSON') return { kind: 'json' };
  const logical = toLogical(type);
  return logical ?? { kind: 'unknown', name: type.toString() };
}

function toLogical(type: DuckDBType): LogicalType | undefined {
  const simple = SIMPLE[type.typeId];
  if (simple) return simple;
  if (type.typeId === DuckDBTypeId.DECIMAL) return t.decimal(type.width, type.scale);
  if (type instanceof DuckDBListType) {
    const element = toLogical(type.valueType);
    return element && t.list(element, true);
  }
  if (type instanceof DuckDBStructType) {
    const fields = type.entryTypes.map((e, i) => {
      const f = toLogical(e);
      return f && field(type.entryNames[i]!, f, true);
    });
    return fields.every((f) => f !== undefined) ? t.struct(fields) : undefined;
  }
  if (type instanceof DuckDBMapType) {
    const key = toLogical(type.keyType);
    const value = toLogical(type.valueType);
    return key && value && t.map(key, value, true);
  }
  return undefined;
}
