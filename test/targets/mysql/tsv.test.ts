import { describe, expect, it } from 'vitest';
import { daysFromCivil, field, type LogicalType, t } from '../../../src/domain/schema/index.js';
import type { PlannedColumn } from '../../../src/publish/plan.js';
import { compile } from '../../../src/targets/ddl/compiler.js';
import { sql } from '../../../src/targets/ddl/nodes.js';
import { lockName } from '../../../src/targets/mysql/connection.js';
import { mysqlDialect } from '../../../src/targets/mysql/dialect.js';
import { sqlLiteral } from '../../../src/targets/mysql/insert.js';
import { escapeField, loadColumns, loadDataSql } from '../../../src/targets/mysql/tsv.js';
import { fieldText } from '../../../src/targets/mysql/values.js';

const col = (name: string, type: LogicalType, sqlType: string, sourceIndex = 0): PlannedColumn => ({
  name,
  sqlType,
  source: field(name, type),
  sourceIndex,
});

describe('LOAD DATA text', () => {
  it('escapes backslash, tab, newline, CR and NUL; keeps empty strings and the text \\N', () => {
    expect(escapeField('plain')).toBe('plain');
    expect(escapeField('')).toBe('');
    expect(escapeField('a\\b\tc\nd\re\0f')).toBe('a\\\\b\\tc\\nd\\re\\0f');
    expect(escapeField('\\N')).toBe('\\\\N');
  });

  it('escapes free text only, after the checks', () => {
    const [s, j, n] = loadColumns([
      col('s', t.string(), 'longtext', 0),
      col('j', t.list(t.string()), 'json', 1),
      col('n', t.int32(), 'int', 2),
    ]);
    expect(s!.encode('a\tb\\', 0)).toBe('a\\tb\\\\');
    expect(j!.encode(['x\ny'], 0)).toBe('["x\\\\ny"]');
    expect(n!.encode(-5, 0)).toBe('-5');
    expect(() => s!.encode('\ud800', 4)).toThrow('row 5: column "s": text holds a lone UTF-16 surrogate');
  });

  it('quotes INSERT literals for the fallback loader', () => {
    expect(sqlLiteral("it's a\\b\0\n\r\x1a")).toBe("'it\\'s a\\\\b\\0\\n\\r\\Z'");
  });

  it('writes booleans as 1/0 into tinyint(1), as words into text', () => {
    expect(fieldText(col('b', t.boolean(), 'tinyint(1)'))(true, 0)).toBe('1');
    expect(fieldText(col('b', t.boolean(), 'tinyint(1)'))(false, 0)).toBe('0');
    expect(fieldText(col('b', t.boolean(), 'varchar(5)'))(true, 0)).toBe('true');
  });

  it('refuses what MySQL cannot hold, naming column and row', () => {
    const d = fieldText(col('day', t.date(), 'date'));
    expect(d(daysFromCivil(1000, 1, 1), 0)).toBe('1000-01-01');
    expect(() => d(daysFromCivil(999, 12, 31), 6)).toThrow(
      'row 7: column "day": MySQL dates hold years 1000 to 9999',
    );
    expect(fieldText(col('day', t.date(), 'varchar(20)'))(daysFromCivil(999, 12, 31), 0)).toBe('0999-12-31');
    const f = fieldText(col('f', t.double(), 'double'));
    expect(() => f(Number.NaN, 2)).toThrow('row 3: column "f"');
    const ts = fieldText(col('ts', t.timestamp('ns', true), 'datetime(6)'));
    expect(ts(1_000n, 0)).toBe('1970-01-01 00:00:00.000001');
    expect(() => ts(1n, 0)).toThrow(
      /row 1: column "ts": value has digits finer than a datetime\(6\) column keeps/,
    );
    const ms = fieldText(col('ts', t.timestamp('ms', false), 'datetime'));
    expect(ms(5_000n, 0)).toBe('1970-01-01 00:00:05.000');
    expect(() => ms(5_001n, 0)).toThrow(/finer than a datetime column keeps \(0 fraction digits\)/);
  });

  it('sends binary as hex through a user variable only into binary columns', () => {
    const cols = loadColumns([
      col('id', t.int32(), 'int', 0),
      col('b`in', t.binary(), 'longblob', 1),
      col('hex', t.binary(), 'longtext', 2),
    ]);
    expect(loadDataSql('`db`.`t`', cols)).toBe(
      [
        "LOAD DATA LOCAL INFILE 'jobpub.tsv' INTO TABLE `db`.`t` CHARACTER SET utf8mb4",
        "FIELDS TERMINATED BY X'09' ESCAPED BY X'5C' LINES TERMINATED BY X'0A'",
        '(`id`, @v1, `hex`)',
        'SET `b``in` = UNHEX(@v1)',
      ].join('\n'),
    );
    expect(cols[1]!.encode(Uint8Array.of(0, 255), 0)).toBe('00ff');
  });
});

describe('mysql dialect and lock names', () => {
  it('renames within the table’s own database', () => {
    expect(compile(mysqlDialect, sql.renameTable({ namespace: 'db', name: 'stg' }, 'final'))).toBe(
      'RENAME TABLE `db`.`stg` TO `db`.`final`',
    );
    expect(compile(mysqlDialect, sql.renameTable({ namespace: 'a`.`b', name: 's' }, 'f'))).toBe(
      'RENAME TABLE `a``.``b`.`s` TO `a``.``b`.`f`',
    );
    expect(
      compile(mysqlDialect, sql.createTable({ name: 't' }, [{ name: 'a', sqlType: 'int', nullable: false }])),
    ).toBe(
      'CREATE TABLE `t` (\n  `a` int NOT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
    );
  });

  it('keeps short lock names readable and hashes long ones to 64 characters', () => {
    expect(lockName('session:0f0e')).toBe('jobpub:session:0f0e');
    const long = lockName(`table:${'é'.repeat(40)}`);
    expect(long).toMatch(/^jobpub:#[0-9a-f]+$/);
    expect(long.length).toBe(64);
    expect(lockName(`table:${'é'.repeat(40)}`)).toBe(long);
  });
});
