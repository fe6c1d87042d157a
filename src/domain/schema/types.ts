/**
 * The one logical type system every reader produces and every target maps from.
 * Types are plain frozen data, so a schema can be compared, printed and sent as JSON.
 */
export type TimeUnit = 'ms' | 'us' | 'ns';

export type LogicalType =
  | { readonly kind: 'boolean' }
  | { readonly kind: 'int'; readonly bits: 8 | 16 | 32 | 64; readonly signed: boolean }
  | { readonly kind: 'float' }
  | { readonly kind: 'double' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'string' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time'; readonly unit: TimeUnit }
  /** `utc`: instants adjusted to UTC (Parquet isAdjustedToUTC, Avro timestamp-*); else local wall time. */
  | { readonly kind: 'timestamp'; readonly unit: TimeUnit; readonly utc: boolean }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'list'; readonly element: Field }
  | { readonly kind: 'struct'; readonly fields: readonly Field[] }
  | { readonly kind: 'map'; readonly key: Field; readonly value: Field };

export type TypeKind = LogicalType['kind'];

export interface Field {
  readonly name: string;
  readonly type: LogicalType;
  readonly nullable: boolean;
}

export interface Schema {
  readonly fields: readonly Field[];
}

/** Constructors, so readers and tests spell types the same way. */
export const t = {
  boolean: (): LogicalType => ({ kind: 'boolean' }),
  int: (bits: 8 | 16 | 32 | 64, signed = true): LogicalType => ({ kind: 'int', bits, signed }),
  int8: (): LogicalType => t.int(8),
  int16: (): LogicalType => t.int(16),
  int32: (): LogicalType => t.int(32),
  int64: (): LogicalType => t.int(64),
  float: (): LogicalType => ({ kind: 'float' }),
  double: (): LogicalType => ({ kind: 'double' }),
  decimal: (precision: number, scale: number): LogicalType => ({ kind: 'decimal', precision, scale }),
  string: (): LogicalType => ({ kind: 'string' }),
  binary: (): LogicalType => ({ kind: 'binary' }),
  date: (): LogicalType => ({ kind: 'date' }),
  time: (unit: TimeUnit): LogicalType => ({ kind: 'time', unit }),
  timestamp: (unit: TimeUnit, utc: boolean): LogicalType => ({ kind: 'timestamp', unit, utc }),
  uuid: (): LogicalType => ({ kind: 'uuid' }),
  list: (element: LogicalType, nullable = true): LogicalType => ({
    kind: 'list',
    element: field('element', element, nullable),
  }),
  struct: (fields: readonly Field[]): LogicalType => ({ kind: 'struct', fields }),
  map: (key: LogicalType, value: LogicalType, valueNullable = true): LogicalType => ({
    kind: 'map',
    key: field('key', key, false),
    value: field('value', value, valueNullable),
  }),
} as const;

export function field(name: string, type: LogicalType, nullable = true): Field {
  return { name, type, nullable };
}

export function schema(fields: readonly Field[]): Schema {
  return { fields };
}
