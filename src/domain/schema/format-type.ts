import type { Field, LogicalType, Schema } from './types.js';

/**
 * The printed form of a type, used by `jobpub inspect`, the API's `schema` and the golden fixtures:
 * `int64`, `uint32`, `decimal(38,10)`, `timestamp(us, utc)`, `time(ms)`, `list<string>`,
 * `struct<a: int32, b: string not null>`, `map<string, double>`.
 * A nested child that cannot be null is suffixed ` not null` (map keys never can, so they are not marked).
 */
export function formatType(type: LogicalType): string {
  switch (type.kind) {
    case 'int':
      return `${type.signed ? 'int' : 'uint'}${type.bits}`;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'time':
      return `time(${type.unit})`;
    case 'timestamp':
      return `timestamp(${type.unit}${type.utc ? ', utc' : ''})`;
    case 'list':
      return `list<${formatChild(type.element)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}: ${formatChild(f)}`).join(', ')}>`;
    case 'map':
      return `map<${formatType(type.key.type)}, ${formatChild(type.value)}>`;
    default:
      return type.kind;
  }
}

function formatChild(f: Field): string {
  return f.nullable ? formatType(f.type) : `${formatType(f.type)} not null`;
}

export interface PrintedField {
  name: string;
  type: string;
  nullable: boolean;
}

export function printSchema(schema: Schema): PrintedField[] {
  return schema.fields.map((f) => ({ name: f.name, type: formatType(f.type), nullable: f.nullable }));
}
