import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Json } from '../../src/domain/schema/index.js';
import type { ReadOptions, ResultFormat } from '../../src/formats/reader.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

export interface GoldenCase {
  file: string; // the .case.json path
  format: ResultFormat;
  path: string;
  options?: ReadOptions;
  schema?: { name: string; type: string; nullable: boolean }[];
  rowCount?: number;
  files?: string[];
  rows?: { [key: string]: Json }[];
  error?: string[];
}

/** Every *.case.json below test/fixtures, sorted for a stable test order. */
export function loadCases(root = FIXTURES): GoldenCase[] {
  const out: GoldenCase[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'gen') walk(p);
      else if (e.name.endsWith('.case.json')) out.push({ ...JSON.parse(readFileSync(p, 'utf8')), file: p });
    }
  };
  walk(root);
  return out;
}
