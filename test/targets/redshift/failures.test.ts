import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openParts, openResults } from '../../../src/formats/open.js';
import { type PublishFailed, publish } from '../../../src/publish/executor.js';
import { listPages, listS3Parts } from '../../../src/storage/s3/list.js';
import { ensureMoto, motoClient, putAll } from '../../storage/s3/moto.js';
import { FIXTURES, loadCases } from '../../support/cases.js';
import { sortMapEntries } from '../../support/readback/postgres.js';
import { sortByJson } from '../../support/results.js';
import { rowAsStored } from '../../support/stored/postgres.js';
import { SECRET, type World, world } from './harness.js';
import { createSysView } from './seam.js';

/**
 * COPY failures (the load-error tables read for file, line, column and reason), results already in S3
 * (loaded where they are, through a manifest of exactly their parts) and staging left by a crash, on
 * PostgreSQL + moto through the test seam (seam.ts).
 */
let s3: S3Client;
let w: World | undefined;
beforeAll(async () => {
  await ensureMoto();
  s3 = await motoClient();
});
afterAll(() => s3?.destroy());
afterEach(async (ctx) => {
  if (w && ctx.task.result?.state === 'pass') await w.drop();
  else if (w) await w.admin.end();
  w = undefined;
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the publish to fail');
    },
    (e: unknown) => e as PublishFailed,
  );

async function stagedKeys(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const p of listPages(s3, bucket, '')) keys.push(...p.objects.map((o) => o.key));
  return keys.sort();
}

async function csvFile(text: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'rs-'));
  const file = path.join(dir, 'part.csv');
  writeFileSync(file, text);
  return file;
}

describe('a failed COPY', () => {
  it('a string over 65,535 bytes fails the load naming file, line, column and reason (STL_LOAD_ERRORS); the old rows stay', async () => {
    w = await world(s3, 'long', {
      iamRoleArn: undefined,
      copyKeys: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
    });
    await w.admin.query(
      `CREATE TABLE "${w.schema}".t (id bigint, name varchar(65535)); INSERT INTO "${w.schema}".t VALUES (7, 'old')`,
    );
    const file = await csvFile(`id,name\n1,a\n2,${'x'.repeat(70_000)}\n3,c\n`);
    const results = await openResults(file, 'csv');
    const err = await failure(
      publish({ target: w.target, results, path: [w.schema], table: 't', action: 'load' }),
    );
    expect(err.code).toBe('TARGET_REJECTED');
    expect(err.message).toMatch(
      new RegExp(
        `^s3://${w.bucket}/staging/jobpub_stg_[0-9a-f]{32}/part-00000\\.csv: line 3: column "name": String length exceeds DDL length \\[load error 1204\\]`,
      ),
    );
    expect(err.message).toContain("Check 'stl_load_errors' system table for details");
    expect(err.location).toMatchObject({ line: 3, column: 'name' });
    // The keys COPY carried are nowhere in what the job keeps.
    expect(JSON.stringify({ m: err.message, s: err.steps })).not.toMatch(
      /AKIAIOSFODNN7EXAMPLE|wJalrXUtnFEMI/,
    );
    expect(w.seam.copies[0]!.statement).toContain("ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE'");
    expect((await w.admin.query(`SELECT id, name FROM "${w.schema}".t`)).rows).toEqual([
      { id: '7', name: 'old' },
    ]);
    expect(await stagedKeys(w.bucket)).toEqual([]);
  });

  it('a refused value in a Parquet file (nanoseconds) names its column; nothing is created', async () => {
    w = await world(s3, 'nanos');
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'pqt/types.case.json')!;
    const results = await openResults(path.resolve(path.dirname(c.file), c.path), 'pqt');
    const err = await failure(
      publish({ target: w.target, results, path: [w.schema], table: 'typed', action: 'dropAndLoad' }),
    );
    expect(err.message).toMatch(/part-00000\.parquet: line \d+: column "t_ns": .*nanosecond/);
    expect(await w.tables()).toEqual(['stl_load_errors']);
    expect(await stagedKeys(w.bucket)).toEqual([]);
  });

  it('SYS_LOAD_ERROR_DETAIL is read first when it has the rows', async () => {
    w = await world(s3, 'sys');
    await createSysView(w.admin, w.schema);
    w.seam.failNext = {
      line: 2,
      column: 'amount',
      code: 1207,
      reason: "Invalid digit, Value 'x', Pos 0, Type: Decimal",
      table: 'sys',
    };
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'csv/types.case.json')!;
    const results = await openResults(path.resolve(path.dirname(c.file), c.path), 'csv');
    const err = await failure(
      publish({ target: w.target, results, path: [w.schema], table: 'n', action: 'truncateAndLoad' }),
    );
    expect(err.message).toMatch(
      /part-00000\.csv: line 2: column "amount": Invalid digit, Value 'x', Pos 0, Type: Decimal \[load error 1207\]/,
    );
    expect(await w.tables()).toEqual(['stl_load_errors', 'sys_load_error_detail']);
  });
});

describe('results already in S3', () => {
  it('are loaded where they are: the manifest lists exactly their parts, nothing is copied', async () => {
    w = await world(s3, 's3native');
    const dir = path.join(FIXTURES, 'pqt/parts');
    const names = readdirSync(dir);
    await putAll(
      s3,
      w.bucket,
      names.map((n) => ({ key: `results/job-1/${n}`, body: readFileSync(path.join(dir, n)) })),
    );
    const parts = await listS3Parts(s3, { bucket: w.bucket, key: 'results/job-1/' });
    const results = await openParts(parts, 'pqt');
    const out = await publish({
      target: w.target,
      results,
      path: [w.schema],
      table: 'from_s3',
      action: 'dropAndLoad',
    });
    expect(out.rowsWritten).toBe(results.rowCount);
    const copy = w.seam.copies[0]!;
    expect(copy.manifest.entries).toEqual(
      ['part-00000.parquet', 'part-00001.parquet'].map((n) => ({
        url: `s3://${w!.bucket}/results/job-1/${n}`,
        mandatory: true,
        meta: { content_length: readFileSync(path.join(dir, n)).length },
      })),
    );
    expect(copy.staged.map((k) => k.replace(/jobpub_stg_[0-9a-f]+/, 'S'))).toEqual([
      'staging/S/_jobpub_owner',
      'staging/S/manifest.json',
    ]);
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'pqt/parts.case.json')!;
    const expected = sortByJson(
      sortMapEntries(
        results.schema,
        c.rows!.map((r) => rowAsStored(results.schema.fields, r)),
      ),
    );
    expect(await w.rows('from_s3', results.schema)).toEqual(expected);
    // The results stay; the staging folder is gone.
    expect(await stagedKeys(w.bucket)).toEqual(names.map((n) => `results/job-1/${n}`).sort());
  });
});

describe('staging left by a crash', () => {
  it('is removed by the next load unless its owner still runs', async () => {
    w = await world(s3, 'leftover');
    const folder = (hex: string) => `staging/jobpub_stg_${hex.repeat(32)}`;
    const owner = (o: object) => JSON.stringify(o);
    await putAll(s3, w.bucket, [
      // Crashed on this host: its process is gone.
      { key: `${folder('a')}/part-00000.csv`, body: 'x' },
      {
        key: `${folder('a')}/_jobpub_owner`,
        body: owner({ host: hostname(), pid: 2 ** 22 + 17, at: Date.now() }),
      },
      // No owner file: crashed before it was written.
      { key: `${folder('b')}/manifest.json`, body: '{}' },
      // Another host's, an hour old: it may still run.
      {
        key: `${folder('c')}/_jobpub_owner`,
        body: owner({ host: 'elsewhere', pid: 1, at: Date.now() - 3600_000 }),
      },
      // Not jobpub's.
      { key: 'staging/other/file', body: 'y' },
    ]);
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'csv/types.case.json')!;
    const results = await openResults(path.resolve(path.dirname(c.file), c.path), 'csv');
    await publish({ target: w.target, results, path: [w.schema], table: 'n', action: 'createAndLoad' });
    expect(await stagedKeys(w.bucket)).toEqual([`${folder('c')}/_jobpub_owner`, 'staging/other/file']);
  });
});
