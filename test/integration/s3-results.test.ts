import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublishAction } from '../../src/domain/publish/actions.js';
import type { Json, Schema } from '../../src/domain/schema/index.js';
import { openParts } from '../../src/formats/open.js';
import type { OpenedResults } from '../../src/formats/reader.js';
import { type Progress, publish } from '../../src/publish/executor.js';
import { listPages, listS3Parts } from '../../src/storage/s3/list.js';
import type { Target } from '../../src/targets/contract.js';
import { createTarget } from '../../src/targets/registry.js';
import { ensureMoto, freshBucket, motoClient, putAll, recordCommands } from '../storage/s3/moto.js';
import { bigResults } from '../support/big-results.js';
import { FIXTURES, type GoldenCase, loadCases } from '../support/cases.js';
import { sortByJson } from '../support/results.js';
import * as duckdbStored from '../support/stored/duckdb.js';
import * as mysqlStored from '../support/stored/mysql.js';
import * as postgresStored from '../support/stored/postgres.js';
import { duckdb, type Sandbox, TARGETS } from '../support/targets.js';
import { type World, world } from '../targets/redshift/harness.js';

/**
 * Issue 6, "S3 results publish to every target": fixtures uploaded to the S3 server (moto), listed with
 * listS3Parts and opened with openParts (ranged reads, no local copy), published to PostgreSQL, MariaDB,
 * DuckDB (the TARGETS sandboxes) and Redshift (its whole transaction logic on the local PostgreSQL, only
 * COPY swapped by the test seam of test/targets/redshift/seam.ts) with dropAndLoad (table absent, then
 * present) and load, every value read back and compared with the fixture's expected rows as each target
 * stores them (test/support/stored). The fixtures were picked so every target holds every value: a
 * multi-part folder of each format, headerless and `;`-delimited CSV objects, and nested JSON lines.
 * Hive is covered by its own suite.
 */
const CASES = [
  'pqt/parts.case.json', // a folder of two Parquet parts (and _SUCCESS)
  'avro/parts.case.json', // a folder of two Avro parts
  'csv/multipart.case.json', // a folder of two CSV parts, each with its header
  'csv/no_header.case.json', // one object, header: false
  'csv/semicolon.case.json', // one object, delimiter ';'
  'json/multipart.case.json', // a folder: JSON lines and a JSON array part
  'json/nested_lines.case.json', // one object of JSON lines, nested values
];
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

type Kind = 'postgres' | 'mysql' | 'duckdb' | 'redshift';
const STORED = {
  postgres: postgresStored,
  mysql: mysqlStored,
  duckdb: duckdbStored,
  // Redshift's tables are the seam's PostgreSQL tables, read back the same way.
  redshift: postgresStored,
} as const;

/** One target's fresh namespace, whatever the target: a TARGETS sandbox, or a Redshift seam world. */
interface Place {
  readonly target: Target;
  readonly path: string[];
  rows(table: string, schema: Schema): Promise<Record<string, Json>[]>;
  tables(): Promise<string[]>;
  /** After a pass: drop the namespace. After a failure: keep it for a look, close what is open. */
  end(passed: boolean): Promise<void>;
  readonly world?: World;
}

interface Opener {
  readonly kind: Kind;
  fresh(label: string): Promise<Place>;
}

let s3: S3Client;
let bucket: string;
const uploaded: string[] = [];

const OPENERS: Opener[] = [
  ...TARGETS.map(
    (h): Opener => ({
      kind: h.kind,
      async fresh(label) {
        const box: Sandbox = await h.fresh(label);
        return {
          target: await createTarget(box.config),
          path: box.path,
          rows: (t, s) => box.rows(t, s),
          tables: () => box.tables(),
          end: async (passed) => {
            if (passed) await box.drop();
          },
        };
      },
    }),
  ),
  {
    kind: 'redshift',
    async fresh(label) {
      const w = await world(s3, label);
      return {
        target: w.target,
        path: [w.schema],
        rows: (t, s) => w.rows(t, s),
        // The seam's fake load-error table lives in the schema too.
        tables: async () => (await w.tables()).filter((t) => t !== 'stl_load_errors'),
        end: async (passed) => {
          if (passed) await w.drop();
          else await w.admin.end();
        },
        world: w,
      };
    },
  },
];

const byFile = new Map(loadCases().map((c) => [path.relative(FIXTURES, c.file), c]));

/** Where a case's data sits in the bucket: `results/<format>/<name>` (a prefix for a folder). */
function s3Key(c: GoldenCase): string {
  return `results/${c.format}/${c.path}`;
}

async function upload(c: GoldenCase): Promise<void> {
  const local = path.resolve(path.dirname(c.file), c.path);
  const files = statSync(local).isDirectory()
    ? readdirSync(local).map((n) => ({ key: `${s3Key(c)}/${n}`, file: path.join(local, n) }))
    : [{ key: s3Key(c), file: local }];
  await putAll(
    s3,
    bucket,
    files.map((f) => ({ key: f.key, body: readFileSync(f.file) })),
  );
  uploaded.push(...files.map((f) => f.key));
}

/** Whether a fixture's JSON part is one top-level array (Redshift's COPY reads objects only). */
function isJsonArray(file: string): boolean {
  return readFileSync(path.join(FIXTURES, 'json', file), 'utf8')
    .trimStart()
    .startsWith('[');
}

async function openFromS3(c: GoldenCase, client = s3): Promise<OpenedResults> {
  // A folder is named without its trailing slash, as a job group's URI would: listS3Parts finds no such
  // object and lists the prefix.
  const parts = await listS3Parts(client, { bucket, key: s3Key(c) });
  return openParts(parts, c.format, c.options ?? {});
}

async function keys(prefix: string, where = bucket): Promise<string[]> {
  const out: string[] = [];
  for await (const p of listPages(s3, where, prefix)) out.push(...p.objects.map((o) => o.key));
  return out.sort();
}

beforeAll(async () => {
  await ensureMoto();
  s3 = await motoClient();
  bucket = await freshBucket(s3, 's3results');
  for (const name of CASES) await upload(byFile.get(name)!);
}, 180_000);

afterAll(async () => {
  // No target touched the results: every object is still there, and nothing else was written beside them.
  if (s3 && bucket) expect(await keys('')).toEqual([...uploaded].sort());
  s3?.destroy();
});

let place: Place | undefined;
afterEach(async (ctx) => {
  await place?.end(ctx.task.result?.state === 'pass');
  place = undefined;
});

describe.each(OPENERS)('$kind: S3 results, dropAndLoad and load, every value read back', (opener) => {
  const stored = STORED[opener.kind];

  for (const name of CASES) {
    it(name.replace(/\.case\.json$/, ''), async () => {
      const c = byFile.get(name)!;
      const results = await openFromS3(c);
      const fields = results.schema.fields;
      // The results are the S3 objects themselves, read as the fixture says.
      expect(results.files).toEqual(c.files!.map((f) => `s3://${bucket}/results/${c.format}/${f}`));
      expect(results.rowCount).toBe(c.rowCount);
      expect(fields.map((f) => f.name)).toEqual(c.schema!.map((f) => f.name));
      // The fixtures were chosen so that this target holds every value.
      expect(stored.firstUnstorable(fields, c.rows!)).toBeUndefined();

      const shape = (rows: readonly Record<string, Json>[]) =>
        sortByJson(stored.normalize(results.schema, rows));
      const want = shape(c.rows!.map((r) => stored.rowAsStored(fields, r)));
      place = await opener.fresh(`s3_${c.format}`);
      const p = place;
      const read = async () => shape(await p.rows('t', results.schema));
      const pub = (action: PublishAction) =>
        publish({ target: p.target, results, path: p.path, table: 't', action, now: NOW });

      const created = await pub('dropAndLoad'); // absent: created
      expect(created.rowsWritten).toBe(c.rowCount);
      expect(await read()).toEqual(want);
      await pub('dropAndLoad'); // present: replaced
      expect(await read()).toEqual(want);
      const loaded = await pub('load');
      expect(loaded.rowsWritten).toBe(c.rowCount);
      expect(await read()).toEqual(sortByJson([...want, ...want]));
      expect(await p.tables()).toEqual(['t']);

      const w = p.world;
      if (w) {
        // Redshift: three COPYs, each over a manifest of exactly the results' own S3 parts (nothing copied),
        // except JSON written as an array, which COPY cannot read: rewritten as lines into one staged object.
        expect(w.seam.copies).toHaveLength(3);
        const rewritten = c.format === 'json' && c.files!.some(isJsonArray);
        for (const copy of w.seam.copies) {
          const urls = copy.manifest.entries.map((e) => e.url);
          if (rewritten) {
            expect(urls).toEqual([
              expect.stringMatching(
                new RegExp(`^s3://${w.bucket}/staging/jobpub_stg_[0-9a-f]{32}/part-00000\\.json$`),
              ),
            ]);
          } else {
            expect(urls).toEqual(results.files);
            expect(copy.manifest.entries.map((e) => e.meta.content_length)).toEqual(
              c.files!.map((f) => statSync(path.join(FIXTURES, c.format, f)).size),
            );
            expect(copy.staged.filter((k) => /\/part-\d{5}\.\w+$/.test(k))).toEqual([]);
          }
          if (c.format === 'csv') {
            expect(copy.statement.includes('IGNOREHEADER 1')).toBe(c.options?.header !== false);
            expect(copy.statement.includes("DELIMITER AS ';'")).toBe(c.options?.delimiter === ';');
          }
        }
        expect(await keys('', w.bucket)).toEqual([]); // the staging folders are gone
      }
    });
  }
});

/** Rows and distinct first-column values of a DuckDB table (the file is free again once publish ends). */
async function countIn(box: Sandbox, table: string): Promise<{ n: number; ids: number }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const file = (box.config as { file: string }).file;
  const inst = await DuckDBInstance.create(file);
  const conn = await inst.connect();
  try {
    const reader = await conn.runAndReadAll(`SELECT * FROM main."${table}" LIMIT 0`);
    const first = reader.columnNames()[0]!;
    const r = await conn.runAndReadAll(
      `SELECT count(*)::INTEGER, count(DISTINCT "${first}")::INTEGER FROM main."${table}"`,
    );
    const [n, ids] = r.getRows()[0]!;
    return { n: Number(n), ids: Number(ids) };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('DuckDB reads S3 Parquet through ranged reads, never a whole object', () => {
  it('150,000 rows (10 MB, one row group) into DuckDB: every GET a bounded range, every row in', async () => {
    const big = bigResults(150_000).parquet;
    const size = statSync(big).size;
    const key = 'big/narrow-150000.parquet';
    await putAll(s3, bucket, [{ key, body: readFileSync(big) }]);
    uploaded.push(key);

    // A client of its own, so only this publish's requests are counted.
    const client = await motoClient();
    const seen = recordCommands(client);
    try {
      const results = await openParts(await listS3Parts(client, { bucket, key }), 'pqt');
      expect(results.files).toEqual([`s3://${bucket}/${key}`]);
      const box = await duckdb.fresh('s3big');
      const target = await createTarget(box.config);
      let last: Progress | undefined;
      const out = await publish(
        { target, results, path: box.path, table: 'big', action: 'dropAndLoad', now: NOW },
        {
          onProgress: (pr) => {
            last = pr;
          },
        },
      );
      expect(out.rowsWritten).toBe(150_000);
      expect(await countIn(box, 'big')).toEqual({ n: 150_000, ids: 150_000 });
      // The appender took the rows from jobpub's reader (DuckDB's read_parquet cannot open s3:// here),
      // and the bytes read are the object's size (known from the listing, not a local stat).
      expect(last?.bytesRead).toBe(size);

      const ranges = seen
        .filter((s) => s.name === 'GetObjectCommand')
        .map((s) => /^bytes=(\d+)-(\d+)$/.exec(String(s.input.Range)))
        .map((m) => (m ? Number(m[2]) - Number(m[1]) + 1 : Number.POSITIVE_INFINITY));
      expect(ranges.length).toBeGreaterThan(size / (2 << 20));
      // One window (1 MiB) or one page at a time: never the object, never more than a few MiB at once.
      expect(Math.max(...ranges)).toBeLessThanOrEqual(4 << 20);
      // Each byte fetched about once for the rows (plus the footer, read when the results were opened).
      const fetched = ranges.reduce((a, b) => a + b, 0);
      expect(fetched).toBeLessThan(size * 1.25);
      await box.drop();
    } finally {
      client.destroy();
    }
  }, 120_000);
});
