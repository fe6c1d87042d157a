import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, printSchema, renderRow } from '../../src/domain/schema/index.js';
import { openResults } from '../../src/formats/open.js';
import { RESULT_FORMATS } from '../../src/formats/reader.js';
import { FIXTURES, type GoldenCase } from '../support/cases.js';

/**
 * Files jobpub has never seen: pyarrow / fastavro / csv / json write random values with a fresh seed on
 * every run, and every value read back must equal the writer's.
 */
const seed = Number(process.env.JOBPUB_SEED ?? Date.now() % 1_000_000);

describe(`cross-check against fresh files (seed ${seed}; rerun with JOBPUB_SEED=${seed})`, () => {
  for (const format of RESULT_FORMATS) {
    it(`${format}: random values round-trip exactly`, async () => {
      const out = mkdtempSync(path.join(tmpdir(), `jobpub-cross-${format}-`));
      execFileSync('python3', [path.join(FIXTURES, 'gen/random_case.py'), format, String(seed), out], {
        stdio: 'inherit',
      });
      const caseFile = readdirSync(out).find((n) => n.endsWith('.case.json'))!;
      const c: GoldenCase = JSON.parse(readFileSync(path.join(out, caseFile), 'utf8'));
      const results = await openResults(path.join(out, c.path), c.format, c.options ?? {});
      expect(printSchema(results.schema)).toEqual(c.schema);
      expect(results.rowCount).toBe(c.rowCount);
      const rows: { [key: string]: Json }[] = [];
      for await (const b of results.batches())
        for (let i = 0; i < b.numRows; i++) rows.push(renderRow(results.schema, b, i));
      expect(rows.length).toBe(c.rowCount);
      for (let i = 0; i < rows.length; i++) expect(rows[i], `row ${i}`).toEqual(c.rows![i]);
      rmSync(out, { recursive: true, force: true });
    });
  }
});
