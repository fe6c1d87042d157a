import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, printSchema, renderRow } from '../../../src/domain/schema/index.js';
import { JobpubError } from '../../../src/errors/index.js';
import { openParts } from '../../../src/formats/open.js';
import { listS3Parts } from '../../../src/storage/s3/list.js';
import { FIXTURES, loadCases } from '../../support/cases.js';
import { ensureMoto, freshBucket, motoClient, putAll } from './moto.js';

// Every golden fixture of every format, read from S3 instead of the local disk: the same schema, files,
// count and every value, through listS3Parts + openParts (ranged reads for Parquet, streams for the rest).
const cases = loadCases();
let client: S3Client;
let bucket: string;

function fixtureFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) return e.name === 'gen' ? [] : fixtureFiles(dir, r);
    return e.name.endsWith('.case.json') || e.name.endsWith('.md') ? [] : [r];
  });
}

beforeAll(async () => {
  await ensureMoto();
  client = await motoClient();
  bucket = await freshBucket(client, 'golden');
  const files = fixtureFiles(FIXTURES);
  expect(files.length).toBeGreaterThan(100);
  await putAll(
    client,
    bucket,
    files.map((key) => ({ key, body: readFileSync(path.join(FIXTURES, key)) })),
  );
});
afterAll(() => client?.destroy());

async function readAll(c: (typeof cases)[number], key: string) {
  const parts = await listS3Parts(client, { bucket, key });
  const results = await openParts(parts, c.format, c.options ?? {});
  const rows: { [key: string]: Json }[] = [];
  for await (const batch of results.batches()) {
    if (c.options?.batchSize) expect(batch.numRows).toBeLessThanOrEqual(c.options.batchSize);
    for (let i = 0; i < batch.numRows; i++) rows.push(renderRow(results.schema, batch, i));
  }
  return { results, rows };
}

describe('golden fixtures read from S3 (moto)', () => {
  it('covers every format', () => {
    expect([...new Set(cases.map((c) => c.format))].sort()).toEqual(['avro', 'csv', 'json', 'pqt']);
  });

  for (const c of cases) {
    const dir = path.relative(FIXTURES, path.dirname(c.file)); // e.g. "pqt"
    const key = `${dir}/${c.path}`;
    const name = `${dir}/${path.basename(c.file, '.case.json')}`;

    if (c.error) {
      it(`${name}: fails naming the object and the problem`, async () => {
        const err = await readAll(c, key).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, 'expected an error').toBeInstanceOf(JobpubError);
        const e = err as JobpubError;
        expect(e.message).toContain(`s3://${bucket}/${dir}/`);
        if (c.error!.includes('no such file')) {
          // The local wording is "no such file"; S3 says which object of which bucket is missing.
          expect(e.code).toBe('RESULTS_NOT_FOUND');
          expect(e.message).toBe(
            `s3://${bucket}/${key}: no such object, and no object under the prefix "${key}/" of bucket "${bucket}"`,
          );
        } else {
          for (const part of c.error!)
            expect(e.message).toContain(part.replace('folder holds', 'prefix holds'));
        }
        expect(e.message).not.toMatch(/\n\s+at /);
      });
      continue;
    }

    it(`${name}: schema, count, files and every value`, async () => {
      const { results, rows } = await readAll(c, key);
      expect(printSchema(results.schema)).toEqual(c.schema);
      expect(results.files).toEqual(c.files!.map((f) => `s3://${bucket}/${dir}/${f}`));
      expect(results.rowCount).toBe(c.rowCount);
      expect(rows.length).toBe(c.rowCount);
      for (let i = 0; i < rows.length; i++) expect(rows[i], `row ${i}`).toEqual(c.rows![i]);
    });
  }
});
