import { describe, expect, it } from 'vitest';
import { type Json, printSchema, renderRow } from '../../../src/domain/schema/index.js';
import { isJobpubError } from '../../../src/errors/index.js';
import { csvReader } from '../../../src/formats/csv/reader.js';
import type { ReadOptions } from '../../../src/formats/reader.js';
import type { ByteSource } from '../../../src/storage/byte-source.js';

/** A source whose bytes can be swapped between reads, streamed in chunks of `chunk` bytes. */
function source(name: string, text: string, chunk = 1 << 20): ByteSource & { text: string } {
  const s = {
    name,
    text,
    get size() {
      return new TextEncoder().encode(s.text).length;
    },
    async read(start: number, end: number) {
      return new TextEncoder().encode(s.text).subarray(start, end);
    },
    async *stream() {
      const bytes = new TextEncoder().encode(s.text);
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    },
  };
  return s;
}

async function read(parts: ByteSource[], options: ReadOptions = {}) {
  const results = await csvReader.open(parts, options);
  const rows: { [k: string]: Json }[] = [];
  const sizes: number[] = [];
  for await (const b of results.batches()) {
    sizes.push(b.numRows);
    for (let i = 0; i < b.numRows; i++) rows.push(renderRow(results.schema, b, i));
  }
  return {
    schema: printSchema(results.schema),
    rowCount: results.rowCount,
    files: results.files,
    rows,
    sizes,
  };
}

async function failure(run: () => Promise<unknown>) {
  const e = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isJobpubError(e)) throw new Error(`expected a JobpubError, got ${String(e)}`);
  return e;
}

const TEXT = 'id,price,note\r\n1,1.5,"a,b"\r\n2,,"x\r\ny"\r\n3,-0.25,\r\n4,7,"é😀"\r\n';

describe('CSV reader', () => {
  it('reads the same rows whatever the chunk size', async () => {
    const whole = await read([source('t.csv', TEXT)]);
    expect(whole.schema).toEqual([
      { name: 'id', type: 'int64', nullable: false },
      { name: 'price', type: 'decimal(3,2)', nullable: true },
      { name: 'note', type: 'string', nullable: true },
    ]);
    expect(whole.rows[1]).toEqual({ id: '2', price: null, note: 'x\r\ny' });
    for (const chunk of [1, 2, 3, 5, 8, 13])
      expect(await read([source('t.csv', TEXT, chunk)])).toEqual(whole);
  });

  it('yields batches of at most batchSize rows that never span two parts, on every batches() call', async () => {
    const parts = [source('p0.csv', 'a\n1\n2\n3\n4\n5\n'), source('p1.csv', 'a\n6\n7\n')];
    const got = await read(parts, { batchSize: 2 });
    expect(got.sizes).toEqual([2, 2, 1, 2]);
    expect(got.rows.map((r) => r.a)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const results = await csvReader.open(parts, { batchSize: 2 });
    let twice = 0;
    for (let i = 0; i < 2; i++) for await (const b of results.batches()) twice += b.numRows;
    expect(twice).toBe(14);
  });

  it('infers one schema across parts, widened together, and lists the files in order', async () => {
    const got = await read([source('p0.csv', 'a,b\n1,x\n'), source('p1.csv', 'a,b\n2.25,\n')]);
    expect(got.schema).toEqual([
      { name: 'a', type: 'decimal(3,2)', nullable: false },
      { name: 'b', type: 'string', nullable: true },
    ]);
    expect(got.rows).toEqual([
      { a: '1.00', b: 'x' },
      { a: '2.25', b: null },
    ]);
    expect(got.files).toEqual(['p0.csv', 'p1.csv']);
  });

  it('names columns col1..colN without a header, and checks every part has that width', async () => {
    const got = await read([source('n.csv', '1;x\n2;y\n')], { header: false, delimiter: ';' });
    expect(got.schema.map((f) => f.name)).toEqual(['col1', 'col2']);
    expect(got.rowCount).toBe(2);
    const e = await failure(() =>
      read([source('p0.csv', '1,2\n'), source('p1.csv', '1,2,3\n')], { header: false }),
    );
    expect(e.code).toBe('RESULTS_SCHEMA_MISMATCH');
    expect(e.message).toBe(
      'p1.csv: line 1: the first row has 3 fields where 2 were expected (compared with p0.csv)',
    );
  });

  it('names the file and line of a ragged row', async () => {
    const e = await failure(() => read([source('r.csv', 'a,b\n1,"x\ny"\n2\n')]));
    expect(e.code).toBe('RESULTS_INVALID');
    expect(e.location).toEqual({ file: 'r.csv', line: 4 });
    expect(e.message).toBe('r.csv: line 4: the row has 1 fields where the header has 2');
  });

  it('refuses empty and repeated header names, naming their position', async () => {
    expect((await failure(() => read([source('h.csv', 'a,,c\n1,2,3\n')]))).message).toBe(
      'h.csv: line 1: header column 2 has no name',
    );
    expect((await failure(() => read([source('h.csv', 'a,"",c\n')]))).message).toContain(
      'column 2 has no name',
    );
    expect((await failure(() => read([source('h.csv', 'a,b,a\n')]))).message).toBe(
      'h.csv: line 1: header column 3 repeats the name "a" of column 1',
    );
  });

  it('refuses an empty file, and no parts at all', async () => {
    const e = await failure(() => read([source('e.csv', '')]));
    expect(e.code).toBe('RESULTS_EMPTY');
    expect(e.message).toBe('e.csv: the file is empty: no header and no rows');
    expect((await failure(() => read([source('bom.csv', '\ufeff')]))).code).toBe('RESULTS_EMPTY');
    expect((await failure(() => read([]))).code).toBe('RESULTS_EMPTY');
  });

  it('refuses a delimiter that is not one plain character, and a bad batch size', async () => {
    for (const delimiter of ['', ',,', '"', '\n', '\r', '😀']) {
      expect((await failure(() => read([source('d.csv', 'a\n1\n')], { delimiter }))).code).toBe('USAGE');
    }
    for (const batchSize of [0, -1, 1.5]) {
      expect((await failure(() => read([source('d.csv', 'a\n1\n')], { batchSize }))).code).toBe('USAGE');
    }
  });

  it('fails, never NULLs, when a file changes between the two reads', async () => {
    const s = source('c.csv', 'a,b\n1,x\n2,y\n');
    const results = await csvReader.open([s]);
    s.text = 'a,b\n1,x\n2.5,y\n';
    const drain = async () => {
      for await (const _ of results.batches()) {
        // reading is the point
      }
    };
    let e = await failure(drain);
    expect(e.message).toBe(
      'c.csv: line 3: column "a": the value "2.5" no longer fits int64: the file changed while it was being read',
    );
    s.text = 'a,b\n1,x\n2,y\n3,z\n';
    e = await failure(drain);
    expect(e.message).toContain('line 4: more rows than the 2 the first read counted');
    s.text = 'a,b\n1,x\n';
    expect((await failure(drain)).message).toContain('1 rows where the first read counted 2');
    s.text = 'a,c\n1,x\n2,y\n';
    expect((await failure(drain)).message).toContain('header column 2 is "c" where "b" was expected');
  });
});
