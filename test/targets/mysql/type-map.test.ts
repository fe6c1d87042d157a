import { describe, expect, it } from 'vitest';
import { field, type LogicalType, t } from '../../../src/domain/schema/index.js';
import { mysqlTarget } from '../../../src/targets/mysql/target.js';
import { mysqlType, TEXT, UUID } from '../../../src/targets/mysql/type-map.js';

const target = mysqlTarget({ kind: 'mysql', host: 'h', port: 3306, database: 'db', user: 'u' });

describe('mysql type map (publishing.md section 2)', () => {
  const table: [LogicalType, string][] = [
    [t.boolean(), 'tinyint(1)'],
    [t.int8(), 'tinyint'],
    [t.int16(), 'smallint'],
    [t.int32(), 'int'],
    [t.int64(), 'bigint'],
    [t.int(8, false), 'tinyint unsigned'],
    [t.int(16, false), 'smallint unsigned'],
    [t.int(32, false), 'int unsigned'],
    [t.int(64, false), 'bigint unsigned'],
    [t.float(), 'float'],
    [t.double(), 'double'],
    [t.decimal(10, 2), 'decimal(10,2)'],
    [t.decimal(65, 30), 'decimal(65,30)'],
    [t.string(), TEXT],
    [t.binary(), 'longblob'],
    [t.date(), 'date'],
    [t.time('ms'), 'time(6)'],
    [t.time('us'), 'time(6)'],
    [t.timestamp('us', true), 'datetime(6)'],
    [t.timestamp('ms', false), 'datetime(6)'],
    [t.uuid(), UUID],
    [t.list(t.int32()), 'json'],
    [t.struct([field('a', t.string())]), 'json'],
    [t.map(t.string(), t.int64()), 'json'],
  ];
  for (const [type, sql] of table) {
    it(`${JSON.stringify(type).slice(0, 60)} -> ${sql}`, () => {
      expect(mysqlType(type)).toEqual({ ok: true, sqlType: sql });
    });
  }

  it('nanoseconds go into microsecond columns with a warning', () => {
    for (const type of [t.time('ns'), t.timestamp('ns', true), t.timestamp('ns', false)]) {
      const m = mysqlType(type);
      expect(m.ok && m.warning).toMatch(/keeps microseconds/);
    }
  });

  it('a decimal beyond decimal(65,30) is kept exactly as text, with a warning', () => {
    for (const type of [t.decimal(66, 2), t.decimal(40, 31)]) {
      const m = mysqlType(type);
      expect(m.ok && m.sqlType).toBe(TEXT);
      expect(m.ok && m.warning).toMatch(/exact text is stored in a longtext column/);
    }
  });

  it('declares its capabilities and resolves [database]', () => {
    expect(target.capabilities).toMatchObject({
      transactionalDdl: false,
      atomicMultiRename: true,
      acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
      maxIdentifierBytes: 64,
      identifierCase: 'insensitive',
      maxDecimalPrecision: 65,
      finestTimeUnit: 'us',
      defaultNamespace: undefined,
    });
    expect(target.resolveTable(['sales'], 'T')).toEqual({ namespace: 'sales', name: 'T' });
    expect(target.resolveTable([], 't')).toEqual({ namespace: 'db', name: 't' });
    expect(() => target.resolveTable(['a', 'b'], 't')).toThrow(/\[database\]/);
    expect(() => target.resolveTable([''], 't')).toThrow(/\[database\]/);
  });
});
