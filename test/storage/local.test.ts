import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobpubError } from '../../src/errors/index.js';
import { memorySource } from '../../src/storage/byte-source.js';
import { listLocalParts, localSource } from '../../src/storage/local.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'jobpub-storage-'));

async function collect(it: AsyncIterable<Uint8Array>) {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString();
}

describe('local storage', () => {
  it('reads ranges and streams sub-ranges of a file', async () => {
    const d = dir();
    const f = path.join(d, 'x.bin');
    writeFileSync(f, 'abcdefghij');
    const src = await localSource(f);
    expect(src.size).toBe(10);
    expect(Buffer.from(await src.read(2, 5)).toString()).toBe('cde');
    expect(await collect(src.stream(3, 7))).toBe('defg');
    expect(await collect(src.stream())).toBe('abcdefghij');
    await expect(src.read(8, 12)).rejects.toThrow(/x\.bin.*outside the file \(10 bytes\)/);
  });

  it('lists part files sorted, ignoring _ and . names', async () => {
    const d = dir();
    for (const n of ['part-00001.csv', 'part-00000.csv', '_SUCCESS', '.part-00000.csv.crc', '_committed_1']) {
      writeFileSync(path.join(d, n), 'x');
    }
    const parts = await listLocalParts(d);
    expect(parts.map((p) => path.basename(p.name))).toEqual(['part-00000.csv', 'part-00001.csv']);
  });

  it('names the folder when it holds no parts, a missing path, and a nested folder', async () => {
    const d = dir();
    writeFileSync(path.join(d, '_SUCCESS'), '');
    await expect(listLocalParts(d)).rejects.toThrow(`${d}: the folder holds no part files`);
    const missing = path.join(d, 'nope');
    const err = await listLocalParts(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobpubError);
    expect((err as JobpubError).code).toBe('RESULTS_NOT_FOUND');
    expect((err as Error).message).toBe(`${missing}: no such file or folder`);
    const nested = dir();
    mkdirSync(path.join(nested, 'country=FR'));
    await expect(listLocalParts(nested)).rejects.toThrow(/sub-folder "country=FR"/);
  });

  it('memory sources behave like files', async () => {
    const src = memorySource('mem', new TextEncoder().encode('hello'));
    expect(Buffer.from(await src.read(1, 3)).toString()).toBe('el');
    expect(await collect(src.stream(1))).toBe('ello');
    await expect(src.read(3, 9)).rejects.toThrow(RangeError);
  });
});
