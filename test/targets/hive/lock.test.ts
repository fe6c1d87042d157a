import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isJobpubError } from '../../../src/errors/index.js';
import { openResults } from '../../../src/formats/open.js';
import { publish } from '../../../src/publish/executor.js';
import { Hs2Session } from '../../../src/targets/hive/hs2.js';
import { LOCK_PROPERTY, lockViewName, TableLocks } from '../../../src/targets/hive/table-lock.js';
import { createTarget } from '../../../src/targets/registry.js';
import { ensureServer, freshDatabase, type HiveBox, PORT, STAGING, startChild } from './harness.js';

/**
 * Publishes of different processes to one Hive table are serialized by a lock view in the metastore
 * (table-lock.ts): a second publish waits while the first holds it, and goes on once its holder is gone
 * (a dead pid on this host at once; another host's holder once its heartbeat has stood still for the
 * stale time). A holder whose lock was taken over refuses to go on.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures');
const SESSION = '10c4ed00-0000-4000-8000-0000000000a1';

let box: HiveBox | undefined;
const locks: TableLocks[] = [];
beforeAll(ensureServer, 300_000);
afterEach(async (ctx) => {
  for (const l of locks.splice(0)) await l.close();
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const open = (db: string) => () =>
  Hs2Session.open({
    host: '127.0.0.1',
    port: PORT,
    transport: 'binary',
    auth: 'NONE',
    user: 'jobpub',
    database: db,
  });

const ownerHex = (o: object) => Buffer.from(JSON.stringify(o), 'utf8').toString('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('hive: cross-process table locks', () => {
  it('a publish waits while another process holds the table, and goes on when that process is killed', {
    timeout: 180_000,
  }, async () => {
    box = await freshDatabase('lock');
    const b = box;
    await b.session.query(
      `CREATE TABLE \`${b.db}\`.\`t\` (i bigint, last_text string, last_decimal decimal(4,1), text string) STORED AS PARQUET`,
    );
    const child = startChild({
      url: `hive://127.0.0.1:${PORT}/${b.db}?staging=file://${STAGING}`,
      location: path.join(FIXTURES, 'csv/many_rows.csv'),
      format: 'csv',
      table: 't',
      path: [b.db],
      action: 'truncateAndLoad',
      stopAt: 'overwrite from staging',
      sessionId: SESSION,
    });
    try {
      expect(await child.at).toBe('overwrite from staging');
      // The child holds the lock view of `t`, naming its pid.
      const view = lockViewName(`table:${b.db}.t`);
      const props = await b.session.query(`SHOW TBLPROPERTIES \`${b.db}\`.\`${view}\``);
      const hex = String(props.rows.find((r) => r[0] === LOCK_PROPERTY)?.[1] ?? '');
      expect(JSON.parse(Buffer.from(hex, 'hex').toString('utf8'))).toMatchObject({ pid: child.pid });

      // This process publishes to the same table (another schema: dropAndLoad swaps it in).
      const target = await createTarget(b.config);
      const results = await openResults(path.join(FIXTURES, 'csv/types.csv'), 'csv');
      let planned = false;
      const second = publish(
        { target, results, path: [b.db], table: 't', action: 'dropAndLoad' },
        {
          onPlan: () => {
            planned = true;
          },
        },
      );
      await sleep(4000);
      expect(planned).toBe(false); // still waiting for the lock: not even described yet

      child.kill();
      await child.exited;
      const out = await second;
      expect(planned).toBe(true);
      expect(out.rowsWritten).toBe(results.rowCount);
      const cols = (await b.session.query(`DESCRIBE \`${b.db}\`.\`t\``)).rows.map((r) => String(r[0]));
      expect(cols).toEqual(results.schema.fields.map((f) => f.name));
      // The killed publish's staging table, folder and lock are gone.
      expect(await b.tables()).toEqual(['t']);
      expect(readdirSync(STAGING).filter((n) => n.includes(SESSION.replace(/-/g, '')))).toEqual([]);
    } finally {
      child.kill();
    }
  });

  it('waits for a holder of this process until it releases', { timeout: 60_000 }, async () => {
    box = await freshDatabase('lockrel');
    const first = new TableLocks(open(box.db));
    const second = new TableLocks(open(box.db));
    locks.push(first, second);
    const key = `table:${box.db}.t`;
    await first.acquire(key, box.db);
    let got = false;
    const waiting = second.acquire(key, box.db).then(() => {
      got = true;
    });
    await sleep(2500);
    expect(got).toBe(false);
    await first.release(key);
    await waiting;
    expect(second.holds(key)).toBe(true);
    await second.release(key);
    expect(await box.tables()).toEqual([]);
  });

  it("breaks another host's lock only once its heartbeat has stood still for the stale time", {
    timeout: 90_000,
  }, async () => {
    box = await freshDatabase('lockstale');
    const key = `table:${box.db}.t`;
    const view = `\`${box.db}\`.\`${lockViewName(key)}\``;
    const owner = { host: 'elsewhere.example', pid: 1, token: 'f00d', beat: 0, key };
    await box.session.query(
      `CREATE VIEW ${view} TBLPROPERTIES ('${LOCK_PROPERTY}'='${ownerHex(owner)}') AS SELECT 1 AS locked`,
    );
    const waiter = new TableLocks(open(box.db), { staleMs: 3000, heartbeatMs: 500 });
    locks.push(waiter);
    const t0 = Date.now();
    let got = 0;
    const waiting = waiter.acquire(key, box.db).then(() => {
      got = Date.now();
    });
    // The other host's heartbeat moves for 6 s (twice the stale time): the lock is respected.
    for (let beat = 1; beat <= 6; beat++) {
      await sleep(1000);
      await box.session.query(
        `ALTER VIEW ${view} SET TBLPROPERTIES ('${LOCK_PROPERTY}'='${ownerHex({ ...owner, beat })}')`,
      );
      expect(got).toBe(0);
    }
    // Then it stops: broken after the stale time, by this process's own clock.
    await waiting;
    expect(got - t0).toBeGreaterThan(6000 + 2500);
    expect(waiter.holds(key)).toBe(true);
    waiter.check(); // still ours

    // Someone takes it over (drops and recreates it): the heartbeat notices, and the holder refuses to go on.
    await box.session.query(`DROP VIEW ${view}`);
    await box.session.query(
      `CREATE VIEW ${view} TBLPROPERTIES ('${LOCK_PROPERTY}'='${ownerHex({ ...owner, token: 'beef' })}') AS SELECT 1 AS locked`,
    );
    await sleep(1500);
    let refused: unknown;
    try {
      waiter.check();
    } catch (e) {
      refused = e;
    }
    expect(isJobpubError(refused) && refused.code).toBe('TARGET_UNAVAILABLE');
    // Releasing a lock taken over leaves the new owner's view alone.
    await waiter.release(key);
    expect(await box.tables()).toEqual([lockViewName(key)]);
  });
});
