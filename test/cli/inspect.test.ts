import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, loadCases } from '../support/cases.js';
import { runCli } from '../support/cli.js';

// One good case of each format drives the CLI end to end; the golden suite covers the values themselves.
const pick = (format: string) =>
  loadCases().find(
    (c) => c.format === format && !c.error && c.options?.header !== false && (c.rowCount ?? 0) > 1,
  );

describe('jobpub inspect', () => {
  for (const format of ['pqt', 'avro', 'csv', 'json']) {
    it(`${format}: --json prints schema, count, files and the first rows exactly`, () => {
      const c = pick(format);
      expect(c, `a ${format} case`).toBeDefined();
      const location = path.resolve(path.dirname(c!.file), c!.path);
      const args = ['inspect', location, '--format', format, '--json', '--rows', '2'];
      if (c!.options?.delimiter) args.push('--delimiter', c!.options.delimiter);
      const r = runCli(args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.schema).toEqual(c!.schema);
      expect(out.rowCount).toBe(c!.rowCount);
      expect(out.rows).toEqual(c!.rows!.slice(0, 2));
      expect(out.files.map((f: string) => path.relative(path.dirname(c!.file), f))).toEqual(c!.files);
    });
  }

  it('prints a readable report with rows as JSON Lines', () => {
    const c = pick('pqt')!;
    const r = runCli([
      'inspect',
      path.resolve(path.dirname(c.file), c.path),
      '--format',
      'pqt',
      '--rows',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`rows:   ${c.rowCount}`);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual(c.rows![0]);
    for (const f of c.schema!) expect(r.stdout).toContain(f.type);
  });

  it('exits 1 with the error on stderr for a missing file, naming it', () => {
    const missing = path.join(FIXTURES, 'no-such-file.parquet');
    const r = runCli(['inspect', missing, '--format', 'pqt']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`jobpub: ${missing}: no such file or folder\n`);
  });

  it('exits 2 on bad usage', () => {
    expect(runCli(['inspect', 'x', '--format', 'xls']).code).toBe(2);
    expect(runCli(['inspect', 'x']).code).toBe(2);
    expect(runCli(['inspect', 'x', '--format', 'csv', '--rows', '-3']).code).toBe(2);
    expect(runCli(['frobnicate']).code).toBe(2);
  });
});
