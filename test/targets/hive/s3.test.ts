import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/domain/schema/index.js';
import { openParts } from '../../../src/formats/open.js';
import type { ResultFormat } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import { listS3Parts } from '../../../src/storage/s3/index.js';
import { createTarget } from '../../../src/targets/registry.js';
import { ensureMoto, freshBucket, motoClient, putAll } from '../../storage/s3/moto.js';
import { sortByJson } from '../../support/results.js';
import { ensureServer, freshDatabase, type HiveBox, STAGING } from './harness.js';

/**
 * Results in S3 (moto) published to Hive with `file://` staging: the parts are read through their S3
 * ByteSources (ranged GETs) and written into the staging folder as Parquet, batch by batch; every value is
 * read back through HiveServer2 and compared with the fixture's expected rows. A two-part Parquet result
 * and a CSV, with a multi-row-group read (small batches) so more than one staged file is written.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

interface Case {
  readonly rows: Record<string, Json>[];
  readonly rowCount: number;
}
const loadCase = (rel: string) => JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8')) as Case;

let client: S3Client;
let box: HiveBox | undefined;
beforeAll(async () => {
  await Promise.all([ensureServer(), ensureMoto()]);
  client = await motoClient();
}, 300_000);
afterEach(async (ctx) => {
  if (box && ctx.task.result?.state === 'pass') await box.drop();
  box = undefined;
});

const CASES: readonly { name: string; format: ResultFormat; files: string[]; caseFile: string }[] = [
  {
    name: 'a two-part Parquet result',
    format: 'pqt',
    files: ['pqt/parts/part-00000.parquet', 'pqt/parts/part-00001.parquet'],
    caseFile: 'pqt/parts.case.json',
  },
  { name: 'a CSV result', format: 'csv', files: ['csv/types.csv'], caseFile: 'csv/types.case.json' },
];

describe('hive: results in S3, staged through file://', () => {
  it('Parquet parts in S3 are copied unchanged (their sources come with the results), streamed', {
    timeout: 180_000,
  }, async () => {
    const files = ['pqt/parts/part-00000.parquet', 'pqt/parts/part-00001.parquet'];
    const bucket = await freshBucket(client, 'hive-copy');
    const bodies = files.map((f) => readFileSync(path.join(FIXTURES, f)));
    await putAll(
      client,
      bucket,
      files.map((f, i) => ({ key: `job/out/${path.basename(f)}`, body: bodies[i]! })),
    );
    const parts = await listS3Parts(client, { bucket, key: 'job/out/' });
    const results = await openParts(parts, 'pqt');
    expect(results.sources?.map((p) => p.name)).toEqual(parts.map((p) => p.name));
    const expected = loadCase('pqt/parts.case.json');
    box = await freshDatabase('s3_copy');
    const target = await createTarget(box.config);
    const sessionId = randomUUID();
    const folder = path.join(STAGING, `jobpub_stg_${sessionId.replace(/-/g, '')}`);
    let staged: Buffer[] = [];
    await publish(
      { target, results, path: [box.db], table: 't', action: 'createAndLoad', sessionId },
      {
        onStep: (s) => {
          if (s.name === 'verify row count' && staged.length === 0) {
            staged = readdirSync(folder)
              .filter((n) => n.endsWith('.parquet'))
              .sort()
              .map((n) => readFileSync(path.join(folder, n)));
          }
        },
      },
    );
    expect(staged.map((b) => b.length)).toEqual(bodies.map((b) => b.length));
    expect(staged.every((b, i) => b.equals(bodies[i]!))).toBe(true);
    const fields = results.schema.fields;
    const table = (await box.tables()).find((n) => n.startsWith('t_'))!;
    expect(sortByJson(await box.rows(table, results.schema))).toEqual(
      sortByJson(
        expected.rows.map((r) => Object.fromEntries(fields.map((f) => [f.name, r[f.name] ?? null]))),
      ),
    );
  });

  for (const c of CASES) {
    it(`${c.name}: every value read back`, { timeout: 180_000 }, async () => {
      const bucket = await freshBucket(client, `hive-${c.format}`);
      await putAll(
        client,
        bucket,
        c.files.map((f) => ({
          key: `job/out/${path.basename(f)}`,
          body: readFileSync(path.join(FIXTURES, f)),
        })),
      );
      const parts = await listS3Parts(client, { bucket, key: 'job/out/' });
      expect(parts.map((p) => p.name)).toEqual(
        c.files.map((f) => `s3://${bucket}/job/out/${path.basename(f)}`),
      );
      const results = await openParts(parts, c.format, { batchSize: 7 });
      const expected = loadCase(c.caseFile);
      expect(results.rowCount).toBe(expected.rowCount);

      box = await freshDatabase(`s3_${c.format}`);
      const target = await createTarget(box.config);
      const fields = results.schema.fields;
      const want = sortByJson(
        expected.rows.map((r) => Object.fromEntries(fields.map((f) => [f.name, r[f.name] ?? null]))),
      );
      const bytes: number[] = [];
      const out = await publish(
        { target, results, path: [box.db], table: 't', action: 'dropAndLoad' },
        { onProgress: (p) => bytes.push(p.bytesRead) },
      );
      expect(out.rowsWritten).toBe(expected.rowCount);
      expect(sortByJson(await box.rows('t', results.schema))).toEqual(want);
      // The bytes read are the S3 objects' sizes.
      expect(Math.max(...bytes)).toBe(parts.reduce((n, p) => n + p.size, 0));

      // Again onto the existing table (INSERT OVERWRITE), then an append: the same S3 results read again.
      await publish({ target, results, path: [box.db], table: 't', action: 'truncateAndLoad' });
      expect(sortByJson(await box.rows('t', results.schema))).toEqual(want);
      await publish({ target, results, path: [box.db], table: 't', action: 'load' });
      expect(sortByJson(await box.rows('t', results.schema))).toEqual(sortByJson([...want, ...want]));
      expect((await box.tables()).filter((n) => n.startsWith('jobpub_'))).toEqual([]);
      expect(
        readdirSync(STAGING).filter(
          (n) => n.startsWith('jobpub_stg_') && n.endsWith(out.sessionId.replace(/-/g, '')),
        ),
      ).toEqual([]);
    });
  }
});
