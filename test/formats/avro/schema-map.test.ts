import { describe, expect, it } from 'vitest';
import { formatType, printSchema } from '../../../src/domain/schema/index.js';
import { AvroSchemaError, parseAvroSchema } from '../../../src/formats/avro/avro-schema.js';
import { mapSchema } from '../../../src/formats/avro/schema-map.js';
import { record } from './avro-bytes.js';

const typeOf = (avroType: unknown) => {
  const m = mapSchema(parseAvroSchema(JSON.stringify(record({ c: avroType }))));
  return printSchema(m.schema)[0]!;
};
const mapError = (schema: unknown): AvroSchemaError => {
  try {
    mapSchema(parseAvroSchema(JSON.stringify(schema)));
  } catch (e) {
    if (e instanceof AvroSchemaError) return e;
    throw e;
  }
  throw new Error('expected an AvroSchemaError');
};

describe('Avro schema → logical schema', () => {
  it('falls back to the underlying type for unknown or invalid logical types (Avro rule)', () => {
    expect(typeOf({ type: 'bytes', logicalType: 'decimal', precision: 2, scale: 5 }).type).toBe('binary');
    expect(typeOf({ type: 'bytes', logicalType: 'decimal', precision: 0 }).type).toBe('binary');
    expect(typeOf({ type: 'bytes', logicalType: 'decimal' }).type).toBe('binary');
    // 4 bytes hold 9 digits at most (2^31 - 1 = 2147483647).
    expect(typeOf({ type: 'fixed', name: 'f', size: 4, logicalType: 'decimal', precision: 9 }).type).toBe(
      'decimal(9,0)',
    );
    expect(typeOf({ type: 'fixed', name: 'f', size: 4, logicalType: 'decimal', precision: 10 }).type).toBe(
      'binary',
    );
    expect(typeOf({ type: 'fixed', name: 'f', size: 15, logicalType: 'uuid' }).type).toBe('binary');
    expect(typeOf({ type: 'long', logicalType: 'date' }).type).toBe('int64');
    expect(typeOf({ type: 'int', logicalType: 'timestamp-millis' }).type).toBe('int32');
    expect(typeOf({ type: 'fixed', name: 'd', size: 12, logicalType: 'duration' }).type).toBe('binary');
    expect(typeOf({ type: 'string', logicalType: 'varchar', maxLength: 3 }).type).toBe('string');
  });

  it('is nullable only for a union with null, on either side', () => {
    expect(typeOf(['null', 'int'])).toEqual({ name: 'c', type: 'int32', nullable: true });
    expect(typeOf(['int', 'null'])).toEqual({ name: 'c', type: 'int32', nullable: true });
    expect(typeOf(['int'])).toEqual({ name: 'c', type: 'int32', nullable: false });
    expect(typeOf('int')).toEqual({ name: 'c', type: 'int32', nullable: false });
    expect(typeOf({ type: 'array', items: 'int' }).type).toBe('list<int32 not null>');
    expect(typeOf({ type: 'map', values: ['double', 'null'] }).type).toBe('map<string, double>');
  });

  it('resolves named types by full and short name across namespaces', () => {
    const schema = {
      type: 'record',
      name: 'outer',
      namespace: 'a.b',
      fields: [
        { name: 'p', type: { type: 'record', name: 'P', fields: [{ name: 'x', type: 'int' }] } },
        { name: 'q', type: 'P' },
        { name: 'r', type: 'a.b.P' },
        { name: 'e', type: { type: 'enum', name: 'E', namespace: 'other', symbols: ['A'] } },
        { name: 'f', type: ['null', 'other.E'] },
      ],
    };
    const printed = printSchema(mapSchema(parseAvroSchema(JSON.stringify(schema))).schema);
    expect(printed.map((f) => f.type)).toEqual([
      'struct<x: int32 not null>',
      'struct<x: int32 not null>',
      'struct<x: int32 not null>',
      'string',
      'string',
    ]);
    expect(mapError(record({ a: 'E' })).message).toContain('unknown type "E"');
  });

  it('refuses what has no column form, naming the field path', () => {
    const union = mapError(record({ m: { type: 'map', values: ['int', 'string', 'null'] } }));
    expect(union.path).toBe('m{}');
    expect(union.message).toContain('union [int, string, null]');
    expect(union.unsupported).toBe(true);
    const nested = mapError(record({ s: record({ t: ['null', ['null', 'int']] }) }));
    expect(nested.path).toBe('s.t');
    expect(mapError(record({ n: ['null'] })).message).toContain('type null');
    expect(mapError({ type: 'array', items: 'int' }).message).toContain('top-level Avro schema is array');
    const recursive = mapError({
      type: 'record',
      name: 'Tree',
      fields: [{ name: 'kids', type: { type: 'array', items: 'Tree' } }],
    });
    expect(recursive.path).toBe('kids[]');
    expect(recursive.message).toContain('recursive Avro type "Tree"');
  });

  it('reports invalid schema JSON as invalid, not unsupported', () => {
    const e = (() => {
      try {
        parseAvroSchema('{"type": "record"');
      } catch (err) {
        return err as AvroSchemaError;
      }
    })();
    expect(e?.unsupported).toBe(false);
    expect(e?.message).toContain('not valid JSON');
  });

  it('maps every logical type it knows', () => {
    const cases: [unknown, string][] = [
      [{ type: 'int', logicalType: 'date' }, 'date'],
      [{ type: 'int', logicalType: 'time-millis' }, 'time(ms)'],
      [{ type: 'long', logicalType: 'time-micros' }, 'time(us)'],
      [{ type: 'long', logicalType: 'timestamp-nanos' }, 'timestamp(ns, utc)'],
      [{ type: 'long', logicalType: 'local-timestamp-millis' }, 'timestamp(ms)'],
      [{ type: 'string', logicalType: 'uuid' }, 'uuid'],
      [{ type: 'bytes', logicalType: 'decimal', precision: 76, scale: 76 }, 'decimal(76,76)'],
      [{ type: 'enum', name: 'E', symbols: ['A', 'B'] }, 'string'],
    ];
    for (const [avro, printed] of cases) expect(typeOf(avro).type, JSON.stringify(avro)).toBe(printed);
    expect(
      formatType(
        mapSchema(parseAvroSchema(JSON.stringify(record({ r: record({}) })))).schema.fields[0]!.type,
      ),
    ).toBe('struct<>');
  });
});
