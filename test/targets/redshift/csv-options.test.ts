import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import { openParts, openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import { listPages, listS3Parts } from '../../../src/storage/s3/list.js';
import { ensureMoto, motoClient, putAll } from '../../storage/s3/moto.js';
import { FIXTURES, loadCases } from '../../support/cases.js';
import { sortMapEntries } from '../../support/readback/postgres.js';
import { sortByJson } from '../../support/results.js';
import { rowAsStored } from '../../support/stored/postgres.js';
import { type World, world } from './harness.js';

/**
 * CSV results are COPYed as they are, so COPY must read them the way jobpub's reader did: the options the
 * results were opened with (OpenedResults.options) decide `IGNOREHEADER 1` (only with a header row) and
 * `DELIMITER`. The seam (seam.ts) reads the files as the COPY statement says, so a wrong statement shows
 * as wrong rows: a first data row taken for a header, or fields split at the wrong character.
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

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

/** Two headerless, `;`-delimited parts: commas and quoted `;` inside fields, an empty field, a quoted line break. */
const PARTS: Record<string, string> = {
  'part-00000.csv': '1;1,5;"a;b"\n2;2,25;"say ""hi"""\n',
  'part-00001.csv': '3;;plain\n4;x,y;"multi\nline"\n',
};
const ROWS: Record<string, Json>[] = [
  { col1: '1', col2: '1,5', col3: 'a;b' },
  { col1: '2', col2: '2,25', col3: 'say "hi"' },
  { col1: '3', col2: null, col3: 'plain' },
  { col1: '4', col2: 'x,y', col3: 'multi\nline' },
];
const HEADERLESS = { header: false, delimiter: ';' } as const;

function localParts(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rs-csvopt-'));
  for (const [name, text] of Object.entries(PARTS)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const expected = (results: OpenedResults, rows: readonly Record<string, Json>[]) =>
  sortByJson(
    sortMapEntries(
      results.schema,
      rows.map((r) => rowAsStored(results.schema.fields, r)),
    ),
  );

/** The statements of one publish, with the per-test names made stable (as publish.test.ts writes them). */
function golden(world: World, from: number): string {
  return `${world.seam.statements
    .slice(from)
    .map((s) => s.replaceAll(world.schema, '<schema>').replaceAll(world.bucket, '<bucket>'))
    .join(';\n\n')};\n`;
}

const session = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const copyFormat = (statement: string) => /\nFORMAT AS ([^\n]*)\n/.exec(statement)?.[1];

describe('CSV options reach the COPY', () => {
  it('the results carry the options they were read with, defaults filled in', async () => {
    const dir = localParts();
    const headerless = await openResults(dir, 'csv', HEADERLESS);
    expect(headerless.options).toEqual({ header: false, delimiter: ';' });
    expect(headerless.partSizes).toEqual(Object.values(PARTS).map((t) => Buffer.byteLength(t)));
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'csv/types.case.json')!;
    const plain = await openResults(path.resolve(path.dirname(c.file), c.path), 'csv');
    expect(plain.options).toEqual({ header: true, delimiter: ',' });
  });

  it("headerless `;` parts (local, staged): no IGNOREHEADER, DELIMITER AS ';', every row and value read back", async () => {
    const results = await openResults(localParts(), 'csv', HEADERLESS);
    expect(results.schema.fields.map((f) => f.name)).toEqual(['col1', 'col2', 'col3']);
    expect(results.rowCount).toBe(4);
    w = await world(s3, 'csvheaderless');
    const from = w.seam.statements.length;
    const out = await publish({
      target: w.target,
      results,
      path: [w.schema],
      table: 't',
      action: 'dropAndLoad',
      now: NOW,
      sessionId: session(1),
    });
    await expect(golden(w, from)).toMatchFileSnapshot('golden/csv-headerless.1-dropAndLoad.sql');
    expect(out.rowsWritten).toBe(4);
    const copy = w.seam.copies[0]!;
    expect(copyFormat(copy.statement)).toBe(
      "CSV DELIMITER AS ';' EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    // Both parts staged unchanged, one object each, and listed by the manifest.
    expect(copy.manifest.entries.map((e) => e.meta.content_length)).toEqual(
      Object.values(PARTS).map((t) => Buffer.byteLength(t)),
    );
    expect(await w.rows('t', results.schema)).toEqual(expected(results, ROWS));

    await publish({ target: w.target, results, path: [w.schema], table: 't', action: 'load', now: NOW });
    expect(await w.rows('t', results.schema)).toEqual(expected(results, [...ROWS, ...ROWS]));
  });

  it('headerless `;` parts already in S3: COPYed where they are, with the same options', async () => {
    w = await world(s3, 'csvheaderlesss3');
    await putAll(
      s3,
      w.bucket,
      Object.entries(PARTS).map(([n, text]) => ({ key: `results/job-7/${n}`, body: text })),
    );
    const parts = await listS3Parts(s3, { bucket: w.bucket, key: 'results/job-7/' });
    const results = await openParts(parts, 'csv', HEADERLESS);
    expect(results.options).toEqual({ header: false, delimiter: ';' });
    const out = await publish({
      target: w.target,
      results,
      path: [w.schema],
      table: 't',
      action: 'dropAndLoad',
      now: NOW,
    });
    expect(out.rowsWritten).toBe(4);
    const copy = w.seam.copies[0]!;
    expect(copyFormat(copy.statement)).toBe(
      "CSV DELIMITER AS ';' EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    expect(copy.manifest.entries.map((e) => e.url)).toEqual(
      Object.keys(PARTS).map((n) => `s3://${w!.bucket}/results/job-7/${n}`),
    );
    expect(await w.rows('t', results.schema)).toEqual(expected(results, ROWS));
  });

  it("a tab-delimited file with a header: DELIMITER AS '\\t' IGNOREHEADER 1", async () => {
    const c = loadCases().find((x) => path.relative(FIXTURES, x.file) === 'csv/tab.case.json')!;
    const results = await openResults(path.resolve(path.dirname(c.file), c.path), 'csv', c.options ?? {});
    w = await world(s3, 'csvtab');
    await publish({ target: w.target, results, path: [w.schema], table: 't', action: 'dropAndLoad' });
    expect(copyFormat(w.seam.copies[0]!.statement)).toBe(
      "CSV DELIMITER AS '\\t' IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    expect(await w.rows('t', results.schema)).toEqual(expected(results, c.rows!));
  });

  it('a delimiter COPY cannot be given (a control character) is refused before anything is staged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rs-csvctl-'));
    writeFileSync(path.join(dir, 'part-00000.csv'), 'a\u0001b\n1\u00012\n');
    const results = await openResults(dir, 'csv', { delimiter: '\u0001' });
    expect(results.rowCount).toBe(1);
    w = await world(s3, 'csvctl');
    const err = await publish({
      target: w.target,
      results,
      path: [w.schema],
      table: 't',
      action: 'dropAndLoad',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isJobpubError(err) && err.code).toBe('PUBLISH_FORMAT_REFUSED');
    expect((err as Error).message).toContain('"\\u0001"');
    expect(w.seam.copies).toEqual([]);
    expect(await w.tables()).toEqual(['stl_load_errors']);
    const keys: string[] = [];
    for await (const p of listPages(s3, w.bucket, '')) keys.push(...p.objects.map((o) => o.key));
    expect(keys).toEqual([]);
  });
});
