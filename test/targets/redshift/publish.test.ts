import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublishAction } from '../../../src/domain/publish/actions.js';
import { openResults } from '../../../src/formats/open.js';
import type { OpenedResults } from '../../../src/formats/reader.js';
import { publish } from '../../../src/publish/executor.js';
import { ensureMoto, motoClient } from '../../storage/s3/moto.js';
import { FIXTURES, type GoldenCase, loadCases } from '../../support/cases.js';
import { sortMapEntries } from '../../support/readback/postgres.js';
import { keepRows, sortByJson } from '../../support/results.js';
import { firstUnstorable, rowAsStored } from '../../support/stored/postgres.js';
import { type World, world } from './harness.js';

/**
 * Every action × format through the Redshift target's whole transaction logic on the local PostgreSQL, with
 * only COPY swapped by the test seam (seam.ts), files and manifests on moto's S3 server. Every value read
 * back is compared with the fixture's canonical rows; every statement the target sent is compared with the
 * golden files in golden/ (reviewed against AWS's grammar: docs/targets/redshift.md).
 */
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const SUFFIX = '20260102030405';

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

const CASES: Record<string, string> = {
  'pqt (two parts)': 'pqt/parts.case.json',
  'avro (nested into SUPER)': 'avro/nested.case.json',
  csv: 'csv/types.case.json',
  'json (array, rewritten as lines)': 'json/basic_array.case.json',
  'json (lines, as is)': 'json/nested_lines.case.json',
};

const byFile = new Map(loadCases().map((c) => [path.relative(FIXTURES, c.file), c]));

async function open(c: GoldenCase): Promise<{ results: OpenedResults; expected: Record<string, unknown>[] }> {
  let results = await openResults(path.resolve(path.dirname(c.file), c.path), c.format, c.options ?? {});
  const fields = results.schema.fields;
  const keep = c.rows!.map((r) => firstUnstorable(fields, [r]) === undefined);
  results = keepRows(results, (i) => keep[i]!);
  const rows = c.rows!.filter((_, i) => keep[i]).map((r) => rowAsStored(fields, r));
  return { results, expected: sortByJson(sortMapEntries(results.schema, rows)) };
}

/** The statements of one publish, with the per-test names made stable. */
function golden(world: World, from: number): string {
  return `${world.seam.statements
    .slice(from)
    .map((s) => s.replaceAll(world.schema, '<schema>').replaceAll(world.bucket, '<bucket>'))
    .join(';\n\n')};\n`;
}

const session = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('redshift over PostgreSQL + moto: every action × format', () => {
  for (const [label, file] of Object.entries(CASES)) {
    const slug =
      label.split(' ')[0]! +
      (label.includes('array') ? '-array' : label.includes('lines, as') ? '-lines' : '');

    it(`${label}: create, createAndLoad, dropAndLoad (new), load, truncateAndLoad, dropAndLoad (existing)`, async () => {
      const c = byFile.get(file)!;
      const { results, expected } = await open(c);
      w = await world(s3, slug);
      const run = async (action: PublishAction, n: number, table = 't') => {
        const from = w!.seam.statements.length;
        const out = await publish({
          target: w!.target,
          results,
          path: [w!.schema],
          table,
          action,
          now: NOW,
          sessionId: session(n),
        });
        await expect(golden(w!, from)).toMatchFileSnapshot(`golden/${slug}.${n}-${action}.sql`);
        return out;
      };

      const created = await run('create', 1, 'c');
      expect(created.finalTable.name).toBe(`c_${SUFFIX}`);
      expect(await w.rows(`c_${SUFFIX}`, results.schema)).toEqual([]);

      const cl = await run('createAndLoad', 2, 'cl');
      expect(cl.rowsWritten).toBe(results.rowCount);
      expect(await w.rows(`cl_${SUFFIX}`, results.schema)).toEqual(expected);

      await run('dropAndLoad', 3);
      expect(await w.rows('t', results.schema)).toEqual(expected);

      const appended = await run('load', 4);
      expect(appended.rowsWritten).toBe(results.rowCount);
      expect(await w.rows('t', results.schema)).toEqual(sortByJson([...expected, ...expected]));

      await run('truncateAndLoad', 5);
      expect(await w.rows('t', results.schema)).toEqual(expected);

      await run('dropAndLoad', 6);
      expect(await w.rows('t', results.schema)).toEqual(expected);

      // Nothing left behind: no staging table, no staged object; never a TRUNCATE.
      expect(await w.tables()).toEqual(['c_' + SUFFIX, 'cl_' + SUFFIX, 'stl_load_errors', 't'].sort());
      const { listPages } = await import('../../../src/storage/s3/list.js');
      const left: string[] = [];
      for await (const p of listPages(s3, w.bucket, 'staging/')) left.push(...p.objects.map((o) => o.key));
      expect(left).toEqual([]);
      expect(w.seam.statements.filter((s) => /\bTRUNCATE\b/i.test(s))).toEqual([]);
      // Five loads, five COPYs, each over a manifest of exactly the staged parts.
      expect(w.seam.copies).toHaveLength(5);
      for (const copy of w.seam.copies) {
        const parts = copy.staged
          .filter((k) => /\/part-\d{5}\.\w+$/.test(k))
          .map((k) => `s3://${w!.bucket}/${k}`);
        expect(copy.manifest.entries.map((e) => e.url)).toEqual(parts);
        expect(copy.manifest.entries.every((e) => e.mandatory && e.meta.content_length > 0)).toBe(true);
      }
    });
  }
});
