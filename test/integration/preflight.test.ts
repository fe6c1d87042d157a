import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isJobpubError } from '../../src/errors/index.js';
import { openResults } from '../../src/formats/open.js';
import { publish } from '../../src/publish/executor.js';
import { createTarget } from '../../src/targets/registry.js';
import { FIXTURES } from '../support/cases.js';
import { type Sandbox, TARGETS } from '../support/targets.js';

/**
 * Pre-flight on real tables: appending results into a table with narrower and missing columns, and a NOT
 * NULL column the results do not fill, gives ONE error listing every problem, and the table is untouched.
 * The results: the bundled demo orders (order_id int64, amount decimal(10,2), ordered_at timestamp, ...).
 */
const DEMO = path.resolve(FIXTURES, '../../demo/results/orders.parquet');

let box: Sandbox | undefined;
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

describe.each(TARGETS)('$kind: pre-flight of load and truncateAndLoad', (harness) => {
  for (const action of ['load', 'truncateAndLoad'] as const) {
    it(`${action}: every incompatible column in one error, nothing changed`, async () => {
      box = await harness.fresh(`pre_${action}`);
      // order_id too narrow, amount with too few digits, quantity as text is fine (widening), the rest
      // missing, and a NOT NULL column the results do not have.
      await box.exec(
        'CREATE TABLE orders (order_id INTEGER, amount DECIMAL(6,1), quantity VARCHAR(20), region VARCHAR(10) NOT NULL)',
      );
      await box.exec("INSERT INTO orders VALUES (7, 12.5, 'two', 'EU')");
      const before = await box.snapshot('orders');
      const target = await createTarget(box.config);
      const results = await openResults(DEMO, 'pqt');
      const err = await publish({ target, results, path: box.path, table: 'orders', action }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isJobpubError(err) && err.code).toBe('PUBLISH_INCOMPATIBLE');
      const message = (err as Error).message;
      for (const part of [
        'column "order_id" (results int64, table ',
        'column "amount" (results decimal(10,2), table ',
        'column "customer" (results string, table (none)): missing from the table',
        'column "ordered_at" (results timestamp(us, utc), table (none)): missing from the table',
        'column "region" (results (none), table ',
        'NOT NULL without a default, and the results do not fill it',
      ]) {
        expect(message).toContain(part);
      }
      expect(message).not.toContain('column "quantity"');
      expect(await box.snapshot('orders')).toEqual(before);
      expect(await box.tables()).toEqual(['orders']);
    });
  }
});
