/**
 * The writer's schema of an Avro file (the `avro.schema` JSON of its header), parsed into a tree with
 * every named-type reference resolved. Nothing here decides our logical types: that is schema-map.ts.
 */

export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

/** The attributes a logical type may carry; kept raw here, validated where they are mapped. */
export interface LogicalAttrs {
  readonly logicalType: string;
  readonly precision?: unknown;
  readonly scale?: unknown;
}

export type AvroType =
  | { readonly type: AvroPrimitive; readonly logical?: LogicalAttrs }
  | { readonly type: 'fixed'; readonly name: string; readonly size: number; readonly logical?: LogicalAttrs }
  | { readonly type: 'enum'; readonly name: string; readonly symbols: readonly string[] }
  | { readonly type: 'record'; readonly name: string; readonly fields: readonly AvroField[] }
  | { readonly type: 'array'; readonly items: AvroType }
  | { readonly type: 'map'; readonly values: AvroType }
  | { readonly type: 'union'; readonly branches: readonly AvroType[] };

export interface AvroField {
  readonly name: string;
  readonly type: AvroType;
}

/** A schema that is not valid Avro, or one we refuse (recursion); `path` is the dotted field path. */
export class AvroSchemaError extends Error {
  constructor(
    message: string,
    readonly path: string | undefined,
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'AvroSchemaError';
  }
}

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses the header's schema text. Throws AvroSchemaError naming the field path where it can. */
export function parseAvroSchema(text: string): AvroType {
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch (e) {
    throw new AvroSchemaError(
      `the schema in the header is not valid JSON (${(e as Error).message})`,
      undefined,
    );
  }
  return new SchemaParser().parse(json, '', undefined);
}

class SchemaParser {
  /** Named types by full name; a record is entered before its fields are parsed, with `done` false. */
  private readonly named = new Map<string, { type: AvroType; done: boolean }>();

  parse(json: Json, namespace: string, path: string | undefined): AvroType {
    if (typeof json === 'string') return this.reference(json, namespace, path);
    if (Array.isArray(json)) {
      return { type: 'union', branches: json.map((b) => this.parse(b, namespace, path)) };
    }
    if (json === null || typeof json !== 'object') {
      throw new AvroSchemaError(`${JSON.stringify(json)} is not a type`, path);
    }
    const type = json.type;
    if (typeof type !== 'string') {
      // {"type": {...}} or {"type": [...]}: a wrapped type without attributes of its own.
      if (type !== undefined && type !== null) return this.parse(type, namespace, path);
      throw new AvroSchemaError('a type object has no "type"', path);
    }
    const logical = logicalAttrs(json);
    if (PRIMITIVES.has(type))
      return logical ? { type: type as AvroPrimitive, logical } : { type: type as AvroPrimitive };
    switch (type) {
      case 'array':
        return {
          type: 'array',
          items: this.parse(required(json, 'items', path), namespace, path && `${path}[]`),
        };
      case 'map':
        return {
          type: 'map',
          values: this.parse(required(json, 'values', path), namespace, path && `${path}{}`),
        };
      case 'fixed': {
        const size = json.size;
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
          throw new AvroSchemaError(`fixed type has an invalid size ${JSON.stringify(size)}`, path);
        }
        const name = this.define(json, namespace, path);
        const t: AvroType = logical ? { type: 'fixed', name, size, logical } : { type: 'fixed', name, size };
        return this.finish(name, t);
      }
      case 'enum': {
        const symbols = json.symbols;
        if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) {
          throw new AvroSchemaError('enum type has no list of string "symbols"', path);
        }
        const name = this.define(json, namespace, path);
        return this.finish(name, { type: 'enum', name, symbols: symbols as string[] });
      }
      case 'record':
      case 'error':
        return this.record(json, namespace, path);
      default:
        return this.reference(type, namespace, path);
    }
  }

  private record(json: { [key: string]: Json }, namespace: string, path: string | undefined): AvroType {
    const name = this.define(json, namespace, path);
    const fields: AvroField[] = [];
    const t: AvroType = { type: 'record', name, fields };
    this.named.set(name, { type: t, done: false });
    const ns = namespaceOf(name);
    const list = json.fields;
    if (!Array.isArray(list)) throw new AvroSchemaError(`record ${name} has no list of "fields"`, path);
    for (const f of list) {
      if (f === null || typeof f !== 'object' || Array.isArray(f) || typeof f.name !== 'string') {
        throw new AvroSchemaError(`record ${name} has a field without a name`, path);
      }
      const fieldPath = path ? `${path}.${f.name}` : f.name;
      fields.push({ name: f.name, type: this.parse(required(f, 'type', fieldPath), ns, fieldPath) });
    }
    return this.finish(name, t);
  }

  /** The full name of a type being defined; a second definition of one name is invalid. */
  private define(json: { [key: string]: Json }, namespace: string, path: string | undefined): string {
    const name = json.name;
    if (typeof name !== 'string' || name === '') {
      throw new AvroSchemaError(`a ${String(json.type)} type has no "name"`, path);
    }
    const ns = typeof json.namespace === 'string' ? json.namespace : namespace;
    const full = name.includes('.') || ns === '' ? name : `${ns}.${name}`;
    if (this.named.has(full)) throw new AvroSchemaError(`type ${full} is defined twice`, path);
    return full;
  }

  private finish(name: string, t: AvroType): AvroType {
    this.named.set(name, { type: t, done: true });
    return t;
  }

  private reference(name: string, namespace: string, path: string | undefined): AvroType {
    if (PRIMITIVES.has(name)) return { type: name as AvroPrimitive };
    const found =
      (!name.includes('.') && namespace !== '' ? this.named.get(`${namespace}.${name}`) : undefined) ??
      this.named.get(name);
    if (!found) throw new AvroSchemaError(`unknown type "${name}"`, path);
    if (!found.done) {
      throw new AvroSchemaError(
        `recursive Avro type "${name}" (a record that contains itself) cannot be read into table columns`,
        path,
        true,
      );
    }
    return found.type;
  }
}

function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? '' : fullName.slice(0, dot);
}

function required(json: { [key: string]: Json }, key: string, path: string | undefined): Json {
  const v = json[key];
  if (v === undefined) throw new AvroSchemaError(`a ${String(json.type ?? 'field')} has no "${key}"`, path);
  return v;
}

function logicalAttrs(json: { [key: string]: Json }): LogicalAttrs | undefined {
  const lt = json.logicalType;
  if (typeof lt !== 'string') return undefined;
  return { logicalType: lt, precision: json.precision, scale: json.scale };
}
