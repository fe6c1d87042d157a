import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql2 from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import { field, schema, t } from '../../../src/domain/schema/index.js';
import { publish } from '../../../src/publish/executor.js';
import type { MysqlConfig } from '../../../src/targets/config.js';
import { lockName } from '../../../src/targets/mysql/connection.js';
import { mysqlTarget } from '../../../src/targets/mysql/target.js';
import { memoryResults } from '../../support/results.js';
import { mysql, type Sandbox } from '../../support/targets.js';

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const fresh = async (label: string) => {
  box = await mysql.fresh(label);
  const config = box.config as MysqlConfig;
  return { box, config, target: mysqlTarget(config) };
};

const holder = (config: MysqlConfig) =>
  mysql2.createConnection({
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
  });

describe('mysql target: connection', () => {
  it('describes existing columns in logical terms', async () => {
    const { box, target } = await fresh('describe');
    await box.exec(`CREATE TABLE d (
      flag tinyint(1) NOT NULL, tiny tinyint, med mediumint unsigned, big bigint unsigned NOT NULL DEFAULT 0,
      n decimal(12,3), f float, f2 float(10,2), dbl double, s varchar(10) CHARACTER SET latin1, txt longtext,
      bin varbinary(4), blb blob, day date, tm time(3), dt datetime, dt6 datetime(6), ts timestamp(6) NULL,
      j json, u uuid, e enum('a','b'), y year, auto int NOT NULL AUTO_INCREMENT PRIMARY KEY)`);
    const conn = await target.connect();
    try {
      const d = await conn.describeTable({ namespace: box.namespace, name: 'd' });
      const byName = Object.fromEntries(d!.columns.map((c) => [c.name, c]));
      const type = (n: string) => byName[n]!.type;
      expect(type('flag')).toEqual(t.boolean());
      expect(byName.flag!.nullable).toBe(false);
      expect(byName.flag!.hasDefault).toBe(false);
      expect(type('tiny')).toEqual(t.int8());
      expect(type('med')).toEqual(t.int(16, false));
      expect(type('big')).toEqual(t.int(64, false));
      expect(byName.big!.hasDefault).toBe(true);
      expect(type('n')).toEqual(t.decimal(12, 3));
      expect(type('f')).toEqual(t.float());
      expect(type('f2').kind).toBe('unknown');
      expect(type('dbl')).toEqual(t.double());
      expect(type('s')).toEqual(t.string());
      expect(byName.s!.sqlType).toBe('varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci');
      expect(type('txt')).toEqual(t.string());
      expect(type('bin')).toEqual(t.binary());
      expect(type('blb')).toEqual(t.binary());
      expect(type('day')).toEqual(t.date());
      expect(type('tm')).toEqual(t.time('ms'));
      expect(type('dt')).toEqual(t.timestamp('ms', false));
      expect(type('dt6')).toEqual(t.timestamp('us', false));
      expect(type('ts')).toEqual(t.timestamp('us', true));
      expect(type('j')).toEqual({ kind: 'json' });
      expect(byName.j!.sqlType).toBe('json');
      expect(type('u')).toEqual(t.uuid());
      expect(type('e')).toEqual({ kind: 'unknown', name: "enum('a','b')" });
      expect(type('y').kind).toBe('unknown');
      expect(byName.auto!.hasDefault).toBe(true);
      expect(await conn.describeTable({ namespace: box.namespace, name: 'D' })).toBeUndefined(); // names are exact on Linux
      expect(await conn.describeTable({ namespace: box.namespace, name: 'nope' })).toBeUndefined();
      expect(await conn.listTables(box.namespace)).toEqual(['d']);
      expect(await conn.countRows({ namespace: box.namespace, name: 'd' })).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('lock() waits for the holder; sessionAlive() sees a session lock by the same name', async () => {
    const { target } = await fresh('locks');
    const a = await target.connect();
    const b = await target.connect();
    try {
      const session = randomUUID();
      await a.lock(`session:${session}`);
      expect(await b.sessionAlive(session)).toBe(true);
      expect(await b.sessionAlive(randomUUID())).toBe(false);
      const key = `table:${'x'.repeat(80)}`; // longer than a lock name may be: hashed
      await a.lock(key);
      let got = false;
      const waiting = b.lock(key).then(() => {
        got = true;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(got).toBe(false);
      await a.unlock(key);
      await waiting;
      expect(got).toBe(true);
      await a.unlock(`session:${session}`);
      expect(await b.sessionAlive(session)).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("drops a dead session's staging table and keeps a live one's", async () => {
    const { box, config, target } = await fresh('leftover');
    const dead = stagingName(randomUUID(), 'stg');
    const liveId = randomUUID();
    const live = stagingName(liveId, 'old');
    await box.exec(`CREATE TABLE ${dead} (x int); CREATE TABLE ${live} (x int)`);
    const other = await holder(config);
    try {
      await other.query('SELECT GET_LOCK(?, 0)', [lockName(`session:${liveId}`)]);
      const s = schema([field('id', t.int32())]);
      const out = await publish({
        target,
        results: memoryResults(s, [[1]]),
        path: box.path,
        table: 'p',
        action: 'dropAndLoad',
      });
      expect(out.steps.map((x) => x.name)).toContain(`drop leftover ${dead}`);
      expect(await box.tables()).toEqual([live, 'p'].sort());
    } finally {
      await other.end();
    }
  });

  it('a publish killed mid-load leaves the table as it was; the next run drops its staging table', async () => {
    const { box, target } = await fresh('killed');
    const dir = mkdtempSync(path.join(tmpdir(), 'jp-mysql-'));
    const csv = path.join(dir, 'big.csv');
    writeFileSync(
      csv,
      `id,name\n${Array.from({ length: 200_000 }, (_, i) => `${i},name ${i}`).join('\n')}\n`,
    );
    const s = schema([field('id', t.int64()), field('name', t.string())]);
    await publish({
      target,
      results: memoryResults(s, [[1n, 'old']]),
      path: box.path,
      table: 'k',
      action: 'dropAndLoad',
    });
    const before = await box.snapshot('k');
    const args = {
      url: box.url,
      location: csv,
      format: 'csv',
      table: 'k',
      path: box.path,
      action: 'dropAndLoad',
      stopAt: 'load-midway',
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/publish-child.ts', JSON.stringify(args)],
      {
        cwd: path.resolve(import.meta.dirname, '../../..'),
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('AT load-midway')) resolve();
        });
        child.on('exit', () => reject(new Error(`child ended before the load: ${out}`)));
      });
      expect((await box.tables()).filter((n) => n.startsWith('jobpub_stg_'))).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(await box.snapshot('k')).toEqual(before);
    const out = await publish({
      target,
      results: memoryResults(s, [[2n, 'new']]),
      path: box.path,
      table: 'k',
      action: 'truncateAndLoad',
    });
    expect(out.steps.filter((x) => x.name.startsWith('drop leftover'))).toHaveLength(1);
    expect(await box.tables()).toEqual(['k']);
    expect(await box.rows('k', s)).toEqual([{ id: '2', name: 'new' }]);
  });

  it('maps connection failures to coded errors without the password', async () => {
    const refused = mysqlTarget({
      kind: 'mysql',
      host: '127.0.0.1',
      port: 1,
      database: 'test',
      user: 'root',
    });
    const e1 = await refused.connect().then(
      () => undefined,
      (e: unknown) => refused.mapError(e),
    );
    expect(e1?.code).toBe('TARGET_UNAVAILABLE');
    const wrong = mysqlTarget({
      kind: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      database: 'test',
      user: 'nobody_jp',
      password: 'S3cret-pw',
    });
    const e2 = await wrong.connect().then(
      () => undefined,
      (e: unknown) => wrong.mapError(e),
    );
    expect(e2?.code).toBe('TARGET_REJECTED');
    expect(e2?.message).toContain('error 1045');
    expect(e2?.message).not.toContain('S3cret-pw');
  });
});
