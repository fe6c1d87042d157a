import { type Field, field, type LogicalType, type Schema, t } from '../../domain/schema/index.js';
import { AvroSchemaError, type AvroType, type LogicalAttrs } from './avro-schema.js';
import type { Plan } from './plan.js';

/**
 * An Avro writer's schema → our logical schema, plus the plan that decodes each column.
 * Avro's own rules: a field is nullable only when its type is a union with null; an unknown or invalid
 * logical type is read as its underlying type. What has no column form is refused, naming the field:
 * a union of two non-null types, a null-only type, a top level that is not a record.
 */
export interface MappedSchema {
  readonly schema: Schema;
  readonly plans: readonly Plan[];
}

interface Mapped {
  readonly type: LogicalType;
  readonly nullable: boolean;
  readonly plan: Plan;
}

export function mapSchema(root: AvroType): MappedSchema {
  if (root.type !== 'record') {
    throw new AvroSchemaError(
      `the top-level Avro schema is ${describe(root)}, not a record`,
      undefined,
      true,
    );
  }
  const fields: Field[] = [];
  const plans: Plan[] = [];
  for (const f of root.fields) {
    const m = mapType(f.type, f.name);
    fields.push(field(f.name, m.type, m.nullable));
    plans.push(m.plan);
  }
  return { schema: { fields }, plans };
}

function mapType(a: AvroType, path: string): Mapped {
  switch (a.type) {
    case 'union':
      return mapUnion(a.branches, path);
    case 'null':
      throw nullOnly(path);
    case 'record': {
      const fields: Field[] = [];
      const plans: Plan[] = [];
      for (const f of a.fields) {
        const m = mapType(f.type, `${path}.${f.name}`);
        fields.push(field(f.name, m.type, m.nullable));
        plans.push(m.plan);
      }
      return { type: t.struct(fields), nullable: false, plan: { op: 'record', fields: plans, path } };
    }
    case 'array': {
      const m = mapType(a.items, `${path}[]`);
      return {
        type: t.list(m.type, m.nullable),
        nullable: false,
        plan: { op: 'array', items: m.plan, path },
      };
    }
    case 'map': {
      const m = mapType(a.values, `${path}{}`);
      return {
        type: t.map(t.string(), m.type, m.nullable),
        nullable: false,
        plan: { op: 'map', values: m.plan, path },
      };
    }
    case 'enum':
      return notNull(t.string(), { op: 'enum', symbols: a.symbols, path });
    default:
      return (a.logical && mapLogical(a, a.logical, path)) ?? mapPlain(a, path);
  }
}

function mapUnion(branches: readonly AvroType[], path: string): Mapped {
  const nullIndex = branches.findIndex((b) => b.type === 'null');
  const others = branches.filter((b) => b.type !== 'null');
  if (others.length === 1 && branches.length <= 2) {
    const m = mapType(others[0]!, path);
    if (nullIndex < 0) return m;
    if (m.nullable) throw unsupportedUnion(branches, path); // a union directly inside a union
    return { type: m.type, nullable: true, plan: { op: 'nullable', nullIndex, inner: m.plan, path } };
  }
  if (others.length === 0) {
    throw nullOnly(path);
  }
  throw unsupportedUnion(branches, path);
}

function nullOnly(path: string): AvroSchemaError {
  return new AvroSchemaError('Avro type null cannot be read: a column of only nulls has no type', path, true);
}

function unsupportedUnion(branches: readonly AvroType[], path: string): AvroSchemaError {
  return new AvroSchemaError(
    `Avro union [${branches.map(describe).join(', ')}] is not supported: only a union of null and one other type can be a column`,
    path,
    true,
  );
}

function mapPlain(
  a: Exclude<AvroType, { type: 'union' | 'record' | 'array' | 'map' | 'enum' }>,
  path: string,
) {
  switch (a.type) {
    case 'boolean':
      return notNull(t.boolean(), { op: 'boolean', path });
    case 'int':
      return notNull(t.int32(), { op: 'int', path });
    case 'long':
      return notNull(t.int64(), { op: 'long', path });
    case 'float':
      return notNull(t.float(), { op: 'float', path });
    case 'double':
      return notNull(t.double(), { op: 'double', path });
    case 'bytes':
      return notNull(t.binary(), { op: 'bytes', path });
    case 'string':
      return notNull(t.string(), { op: 'string', path });
    case 'fixed':
      return notNull(t.binary(), { op: 'fixed', size: a.size, path });
    case 'null':
      throw nullOnly(path);
  }
}

/** A logical type on its underlying type, or undefined when unknown or invalid there (Avro: ignore it). */
function mapLogical(a: AvroType, l: LogicalAttrs, path: string): Mapped | undefined {
  const on = a.type;
  switch (l.logicalType) {
    case 'decimal': {
      const size = a.type === 'fixed' ? a.size : undefined;
      if (on !== 'bytes' && on !== 'fixed') return undefined;
      const precision = l.precision;
      const scale = l.scale ?? 0;
      if (!isCount(precision) || precision < 1 || !isCount(scale) || scale > precision) return undefined;
      if (size !== undefined && precision > maxFixedPrecision(size)) return undefined;
      return notNull(t.decimal(precision, scale), { op: 'decimal', size, precision, path });
    }
    case 'uuid':
      if (on === 'string') return notNull(t.uuid(), { op: 'uuid-string', path });
      if (a.type === 'fixed' && a.size === 16) return notNull(t.uuid(), { op: 'uuid-fixed', path });
      return undefined;
    case 'date':
      return on === 'int' ? notNull(t.date(), { op: 'int', path }) : undefined;
    case 'time-millis':
      return on === 'int' ? notNull(t.time('ms'), { op: 'time', unit: 'ms', path }) : undefined;
    case 'time-micros':
      return on === 'long' ? notNull(t.time('us'), { op: 'time', unit: 'us', path }) : undefined;
  }
  const ts = TIMESTAMPS[l.logicalType];
  if (ts && on === 'long') return notNull(t.timestamp(ts.unit, ts.utc), { op: 'long', path });
  return undefined;
}

const TIMESTAMPS: Record<string, { unit: 'ms' | 'us' | 'ns'; utc: boolean }> = {
  'timestamp-millis': { unit: 'ms', utc: true },
  'timestamp-micros': { unit: 'us', utc: true },
  'timestamp-nanos': { unit: 'ns', utc: true },
  'local-timestamp-millis': { unit: 'ms', utc: false },
  'local-timestamp-micros': { unit: 'us', utc: false },
  'local-timestamp-nanos': { unit: 'ns', utc: false },
};

function notNull(type: LogicalType, plan: Plan): Mapped {
  return { type, nullable: false, plan };
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

/** The most decimal digits a signed `size`-byte two's-complement integer always holds (Avro spec). */
function maxFixedPrecision(size: number): number {
  return size <= 0 ? 0 : Math.floor(Math.log10(2) * (8 * size - 1));
}

/** A type as an error message shows it: its name when named, else its kind. */
export function describe(a: AvroType): string {
  switch (a.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${a.type} ${a.name}`;
    case 'union':
      return `[${a.branches.map(describe).join(', ')}]`;
    default:
      return a.type;
  }
}
