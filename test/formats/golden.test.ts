import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Json, printSchema, renderRow } from '../../src/domain/schema/index.js';
import { openResults } from '../../src/formats/open.js';
import { loadCases } from '../support/cases.js';

const cases = loadCases();

async function readAll(location: string, c: (typeof cases)[number]) {
  const results = await openResults(location, c.format, c.options ?? {});
  const rows: { [key: string]: Json }[] = [];
  for await (const batch of results.batches()) {
    if (c.options?.batchSize) expect(batch.numRows).toBeLessThanOrEqual(c.options.batchSize);
    for (let i = 0; i < batch.numRows; i++) rows.push(renderRow(results.schema, batch, i));
  }
  return { results, rows };
}

describe('golden fixtures', () => {
  it('has cases for every format', () => {
    const formats = new Set(cases.map((c) => c.format));
    expect([...formats].sort()).toEqual(['avro', 'csv', 'json', 'pqt']);
  });

  for (const c of cases) {
    const dir = path.dirname(c.file);
    const location = path.resolve(dir, c.path);
    const name = path.relative(path.dirname(dir), c.file).replace(/\.case\.json$/, '');

    if (c.error) {
      it(`${name}: fails naming the problem`, async () => {
        const err = await readAll(location, c).then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        expect(err, 'expected an error').toBeInstanceOf(Error);
        for (const part of c.error!) expect(err!.message).toContain(part);
        expect(err!.message).not.toMatch(/\n\s+at /); // never a stack trace as the message
      });
      continue;
    }

    it(`${name}: schema, count, files and every value`, async () => {
      const { results, rows } = await readAll(location, c);
      expect(printSchema(results.schema)).toEqual(c.schema);
      expect(results.files.map((f) => path.relative(dir, f))).toEqual(c.files);
      expect(results.rowCount).toBe(c.rowCount);
      expect(rows.length).toBe(c.rowCount);
      for (let i = 0; i < rows.length; i++) expect(rows[i], `row ${i}`).toEqual(c.rows![i]);
    });
  }
});
