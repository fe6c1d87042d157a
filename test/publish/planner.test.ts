import { describe, expect, it } from 'vitest';
import type { TableDescription } from '../../src/domain/schema/compat.js';
import { field, schema, t } from '../../src/domain/schema/index.js';
import { JobpubError } from '../../src/errors/index.js';
import type { Plan } from '../../src/publish/plan.js';
import { type PlanInput, planPublish } from '../../src/publish/planner.js';
import { renameSwap, transactional } from './profiles.js';

const SESSION = '0f8fad5b-d9cb-469f-a165-70867728950e';
const STG = 'jobpub_stg_0f8fad5bd9cb469fa16570867728950e';
const NOW = new Date(Date.UTC(2026, 11, 4, 19, 30, 5));
const results = {
  format: 'pqt' as const,
  rowCount: 3,
  schema: schema([
    field('id', t.int64(), false),
    field('price', t.decimal(10, 2)),
    field('name', t.string()),
  ]),
};

function input(over: Partial<PlanInput>): PlanInput {
  return {
    sessionId: SESSION,
    now: NOW,
    action: 'createAndLoad',
    target: transactional,
    table: { namespace: 'sales', name: 'orders' },
    results,
    existing: undefined,
    takenNames: new Set(),
    ...over,
  };
}

const kinds = (p: Plan) =>
  p.steps.map((s) => (s.kind === 'sql' ? s.sql.split(/\s|\(/)[0] + ':' + s.name : s.kind));
const table = (
  cols: [string, string, TableDescription['columns'][number]['type'], boolean?][],
): TableDescription => ({
  columns: cols.map(([name, sqlType, type, nullable]) => ({
    name,
    sqlType,
    type,
    nullable: nullable ?? true,
    hasDefault: false,
  })),
});

function fails(p: PlanInput): JobpubError {
  try {
    planPublish(p);
  } catch (e) {
    expect(e).toBeInstanceOf(JobpubError);
    return e as JobpubError;
  }
  throw new Error('expected the planner to refuse');
}

describe('planner: names', () => {
  it('create and createAndLoad add a UTC timestamp suffix, then _2, _3 on collision', () => {
    expect(planPublish(input({ action: 'create' })).finalTable).toEqual({
      namespace: 'sales',
      name: 'orders_20261204193005',
    });
    const taken = new Set(['orders_20261204193005', 'orders_20261204193005_2']);
    expect(planPublish(input({ takenNames: taken })).finalTable.name).toBe('orders_20261204193005_3');
  });

  it('collisions compare with the target case folding', () => {
    const taken = new Set(['ORDERS_20261204193005']);
    expect(planPublish(input({ takenNames: taken })).finalTable.name).toBe('orders_20261204193005');
    expect(planPublish(input({ target: renameSwap, takenNames: taken })).finalTable.name).toBe(
      'orders_20261204193005_2',
    );
  });

  it('refuses, by name, table and column names the target cannot hold, all at once', () => {
    const long = 'x'.repeat(64);
    const bad = schema([field(long, t.int32()), field('a\u0000b', t.int32()), field('ok', t.int32())]);
    const e = fails(
      input({
        action: 'load',
        existing: undefined,
        results: { ...results, schema: bad },
        table: { name: 't' },
      }),
    );
    expect(e.code).toBe('PUBLISH_TABLE_MISSING');
    const e2 = fails(input({ action: 'dropAndLoad', results: { ...results, schema: bad } }));
    expect(e2.code).toBe('PUBLISH_BAD_NAME');
    expect(e2.message).toContain(`column name "${long}" is 64 bytes long; the target allows at most 63`);
    expect(e2.message).toContain('holds a NUL or control character');
    const e3 = fails(input({ action: 'dropAndLoad', table: { name: 'é'.repeat(32) } }));
    expect(e3.message).toContain('is 64 bytes long');
  });

  it('refuses two columns that fold together where names are case-insensitive', () => {
    const s = schema([field('ID', t.int32()), field('id', t.int32())]);
    expect(planPublish(input({ results: { ...results, schema: s } })).columns).toHaveLength(2);
    const e = fails(input({ target: renameSwap, results: { ...results, schema: s } }));
    expect(e.message).toContain('columns "ID" and "id" would be one column');
  });

  it('a timestamped name that grows past the limit is refused by name', () => {
    const e = fails(input({ table: { name: 'o'.repeat(55) } }));
    expect(e.code).toBe('PUBLISH_BAD_NAME');
    expect(e.message).toContain(`table name "${'o'.repeat(55)}_20261204193005" is 70 bytes long`);
  });
});

describe('planner: transactional DDL (one transaction)', () => {
  it('createAndLoad: create, load, verify, commit', () => {
    const p = planPublish(input({}));
    expect(kinds(p)).toEqual(['begin', 'CREATE:create table', 'load', 'verifyCount', 'commit']);
    expect(p.steps[1]).toMatchObject({
      sql: 'CREATE TABLE "sales"."orders_20261204193005" (\n  "id" int64 NOT NULL,\n  "price" decimal(10,2),\n  "name" string\n)',
    });
    expect(p.expectedRows).toBe(3);
  });

  it('create makes the table and loads nothing', () => {
    expect(kinds(planPublish(input({ action: 'create' })))).toEqual([
      'begin',
      'CREATE:create table',
      'commit',
    ]);
  });

  it('load appends and verifies the count grew by the results rows', () => {
    const existing = table([
      ['id', 'bigint', t.int64()],
      ['price', 'numeric(12,2)', t.decimal(12, 2)],
      ['name', 'text', t.string()],
    ]);
    const p = planPublish(input({ action: 'load', existing }));
    expect(kinds(p)).toEqual(['begin', 'baseline', 'load', 'verifyCount', 'commit']);
    expect(p.steps[3]).toMatchObject({ expected: 3, relativeTo: 'baseline' });
    expect(p.columns.map((c) => c.sqlType)).toEqual(['bigint', 'numeric(12,2)', 'text']);
  });

  it('truncateAndLoad deletes (MVCC-safe) and loads in the same transaction; absent table: created', () => {
    const existing = table([
      ['id', 'bigint', t.int64()],
      ['price', 'numeric(10,2)', t.decimal(10, 2)],
      ['name', 'text', t.string()],
    ]);
    expect(kinds(planPublish(input({ action: 'truncateAndLoad', existing })))).toEqual([
      'begin',
      'DELETE:delete old rows',
      'load',
      'verifyCount',
      'commit',
    ]);
    expect(kinds(planPublish(input({ action: 'truncateAndLoad' })))).toEqual([
      'begin',
      'CREATE:create table',
      'load',
      'verifyCount',
      'commit',
    ]);
  });

  it('dropAndLoad builds a staging table named by the session, then drops and renames before commit', () => {
    const existing = table([['whatever', 'text', t.string()]]);
    const p = planPublish(input({ action: 'dropAndLoad', existing }));
    expect(kinds(p)).toEqual([
      'begin',
      'CREATE:create staging table',
      'load',
      'verifyCount',
      'DROP:drop old table',
      'ALTER:rename staging table',
      'commit',
    ]);
    expect(p.staging).toEqual([{ namespace: 'sales', name: STG }]);
    expect(p.steps[5]).toMatchObject({ sql: `ALTER TABLE "sales"."${STG}" RENAME TO "orders"` });
  });
});

describe('planner: non-transactional DDL with an atomic rename', () => {
  const existing = table([
    ['ID', 'bigint', t.int64(), false],
    ['Price', 'decimal(10,2)', t.decimal(10, 2)],
    ['name', 'longtext', t.string()],
  ]);

  it('createAndLoad loads a staging table, then one rename makes it visible', () => {
    const p = planPublish(input({ target: renameSwap }));
    expect(kinds(p)).toEqual([
      'CREATE:create staging table',
      'load',
      'verifyCount',
      'RENAME:rename staging table',
    ]);
    expect(p.steps[3]).toMatchObject({
      sql: `RENAME TABLE \`sales\`.\`${STG}\` TO \`sales\`.\`orders_20261204193005\``,
    });
  });

  it('create is one CREATE TABLE (atomic by itself)', () => {
    expect(kinds(planPublish(input({ target: renameSwap, action: 'create' })))).toEqual([
      'CREATE:create table',
    ]);
  });

  it('load: staging, then INSERT … SELECT in one transaction, with the table column spelling', () => {
    const p = planPublish(input({ target: renameSwap, action: 'load', existing }));
    expect(kinds(p)).toEqual([
      'CREATE:create staging table',
      'load',
      'verifyCount',
      'begin',
      'baseline',
      'INSERT:insert from staging',
      'verifyCount',
      'commit',
      'DROP:drop staging table',
    ]);
    expect(p.steps[5]).toMatchObject({
      sql: `INSERT INTO \`sales\`.\`orders\` (\`ID\`, \`Price\`, \`name\`) SELECT \`ID\`, \`Price\`, \`name\` FROM \`sales\`.\`${STG}\``,
    });
  });

  it('truncateAndLoad deletes and inserts inside one transaction', () => {
    const p = planPublish(input({ target: renameSwap, action: 'truncateAndLoad', existing }));
    expect(kinds(p).slice(3, 8)).toEqual([
      'begin',
      'DELETE:delete old rows',
      'baseline',
      'INSERT:insert from staging',
      'verifyCount',
    ]);
  });

  it('dropAndLoad swaps both tables in one RENAME, then drops the old one', () => {
    const p = planPublish(input({ target: renameSwap, action: 'dropAndLoad', existing }));
    expect(kinds(p)).toEqual([
      'CREATE:create staging table',
      'load',
      'verifyCount',
      'RENAME:swap tables',
      'DROP:drop old table',
    ]);
    const old = 'jobpub_old_0f8fad5bd9cb469fa16570867728950e';
    expect(p.steps[3]).toMatchObject({
      sql: `RENAME TABLE \`sales\`.\`orders\` TO \`sales\`.\`${old}\`, \`sales\`.\`${STG}\` TO \`sales\`.\`orders\``,
    });
    expect(p.staging.map((s) => s.name)).toEqual([STG, old]);
  });
});

describe('planner: pre-flight of an existing table', () => {
  it('lists every incompatible column at once, and touches nothing', () => {
    const wide = schema([
      field('id', t.int64(), false),
      field('amount', t.decimal(18, 4)),
      field('note', t.string()),
      field('extra', t.date()),
    ]);
    const narrow = table([
      ['id', 'integer', t.int32()],
      ['amount', 'numeric(10,2)', t.decimal(10, 2)],
      ['note', 'integer', t.int32()],
      ['must', 'text', t.string(), false],
    ]);
    for (const action of ['load', 'truncateAndLoad'] as const) {
      const e = fails(input({ action, existing: narrow, results: { ...results, schema: wide } }));
      expect(e.code).toBe('PUBLISH_INCOMPATIBLE');
      expect(e.message).toBe(
        'table "sales"."orders" cannot take the results: ' +
          'column "id" (results int64, table integer): would be narrowed; ' +
          'column "amount" (results decimal(18,4), table numeric(10,2)): would be rounded or overflow; ' +
          'column "note" (results string, table integer): string values fit only the same type or a text column; ' +
          'column "extra" (results date, table (none)): missing from the table; ' +
          'column "must" (results (none), table text): NOT NULL without a default, and the results do not fill it',
      );
    }
  });

  it('dropAndLoad ignores the old table’s columns; widening appends are fine', () => {
    const narrow = table([['id', 'integer', t.int32()]]);
    expect(() => planPublish(input({ action: 'dropAndLoad', existing: narrow }))).not.toThrow();
    const wide = table([
      ['id', 'numeric(30,0)', t.decimal(30, 0)],
      ['price', 'text', t.string()],
      ['name', 'text', t.string()],
      ['later', 'text', t.string()],
    ]);
    expect(planPublish(input({ action: 'load', existing: wide })).warnings).toEqual([]);
  });

  it('refuses types the target cannot hold, naming each column', () => {
    const s = schema([
      field('big', t.decimal(50, 2)),
      field('huge', t.decimal(76, 0)),
      field('ok', t.int32()),
    ]);
    const e = fails(input({ results: { ...results, schema: s } }));
    expect(e.code).toBe('PUBLISH_UNMAPPABLE');
    expect(e.message).toBe(
      'the tx target cannot hold: column "big" (decimal(50,2)): precision over 38; column "huge" (decimal(76,0)): precision over 38',
    );
  });

  it('refuses to append to or replace the rows of a table that cannot roll back', () => {
    const myisam = { ...table([['id', 'bigint', t.int64()]]), transactional: false };
    for (const action of ['load', 'truncateAndLoad'] as const) {
      expect(fails(input({ action, existing: myisam })).message).toContain('stored without transactions');
    }
    expect(() => planPublish(input({ action: 'dropAndLoad', existing: myisam }))).not.toThrow();
  });

  it('refuses a format the target does not accept, and load into a missing table', () => {
    expect(fails(input({ target: renameSwap, results: { ...results, format: 'avro' } })).code).toBe(
      'PUBLISH_FORMAT_REFUSED',
    );
    const e = fails(input({ action: 'load' }));
    expect(e.message).toBe('table "sales"."orders" does not exist: load needs an existing table');
  });
});
