import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagingName } from '../../../src/domain/publish/naming.js';
import { openResults } from '../../../src/formats/open.js';
import type { ResultFormat } from '../../../src/formats/reader.js';
import type { LoadRequest } from '../../../src/targets/contract.js';
import { stageResults } from '../../../src/targets/hive/loader.js';
import { OWNER_FILE } from '../../../src/targets/hive/locks.js';
import {
  FileStagingStore,
  openStagingStore,
  S3aStagingStore,
  type StagingStore,
} from '../../../src/targets/hive/staging-store.js';
import { collect, ensureMoto, freshBucket, motoClient, motoConfig } from '../../storage/s3/moto.js';

/**
 * The Hive staging stores (staging-store.ts) without a Hive server: the `file://` one (what the Hive suite
 * verifies end to end) and the `s3a://` one against moto. Both are driven through the same interface and
 * must answer the same; the s3a store's objects are read back with the SDK, and the staging DDL of a load
 * is checked for its `s3a://bucket/key` LOCATION. (The Spark Thrift Server of the rig cannot read s3a://:
 * no hadoop-aws jars, so no Hive read-back here; docs/targets/hive.md.)
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

let client: S3Client;
let tmp: string;
beforeAll(async () => {
  await ensureMoto();
  client = await motoClient();
  tmp = mkdtempSync(path.join(tmpdir(), 'jobpub-hive-store-'));
}, 200_000);
afterAll(() => {
  client?.destroy();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const folderOf = () => stagingName(randomUUID(), 'stg');

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function objectBytes(bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return collect(out.Body as AsyncIterable<Uint8Array>);
}

interface Kit {
  readonly store: StagingStore;
  /** Puts a raw owner file (any text) into a folder, bypassing the store. */
  rawOwner(folder: string, text: string): Promise<void>;
  /** The files of a folder (names), read from the storage itself. */
  files(folder: string): Promise<string[]>;
}

async function fileKit(): Promise<Kit> {
  const dir = mkdtempSync(path.join(tmp, 'file-'));
  const store = openStagingStore({ stagingUri: `file://${dir}` });
  expect(store).toBeInstanceOf(FileStagingStore);
  return {
    store,
    rawOwner: async (folder, text) => {
      rmSync(path.join(dir, folder), { recursive: true, force: true });
      (await import('node:fs')).mkdirSync(path.join(dir, folder), { recursive: true });
      writeFileSync(path.join(dir, folder, OWNER_FILE), text);
    },
    files: async (folder) => {
      try {
        return readdirSync(path.join(dir, folder)).sort();
      } catch {
        return [];
      }
    },
  };
}

async function s3Kit(): Promise<Kit & { bucket: string }> {
  const bucket = await freshBucket(client, 'hive-stg');
  const store = openStagingStore({ stagingUri: `s3a://${bucket}/warehouse/stage`, stagingS3: motoConfig() });
  expect(store).toBeInstanceOf(S3aStagingStore);
  return {
    bucket,
    store,
    rawOwner: async (folder, text) => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `warehouse/stage/${folder}/${OWNER_FILE}`,
          Body: Buffer.from(text),
        }),
      );
    },
    files: async (folder) =>
      (await keysUnder(bucket, `warehouse/stage/${folder}/`)).map((k) =>
        k.slice(`warehouse/stage/${folder}/`.length),
      ),
  };
}

/** A pid that ran and is gone (a child that exited), and one that runs (a sleeping child). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe.each([
  ['file://', fileKit],
  ['s3a://', s3Kit],
] as const)('hive staging store %s', (_label, makeKit) => {
  it('writes the owner file and part files of a folder, lists and removes folders', async () => {
    const { store, files } = await makeKit();
    const a = folderOf();
    const b = folderOf();
    await store.writeOwner(a);
    await store.writeFile(a, 'part-00000.parquet', new Uint8Array([1, 2, 3]));
    await store.writeFile(
      a,
      'part-00001.parquet',
      (async function* () {
        yield new Uint8Array([4, 5]);
        yield new Uint8Array([6]);
      })(),
    );
    await store.writeOwner(b);
    expect(await files(a)).toEqual([OWNER_FILE, 'part-00000.parquet', 'part-00001.parquet']);
    expect((await store.listFolders()).sort()).toEqual([a, b].sort());
    // A folder whose name extends another's is another folder.
    const longer = `${a}0`;
    await store.writeOwner(longer);
    await store.removeFolder(a);
    expect(await files(a)).toEqual([]);
    expect((await store.listFolders()).sort()).toEqual([b, longer].sort());
    expect(await files(longer)).toEqual([OWNER_FILE]);
    // Removing a missing folder (another sweep got there first) is not an error.
    await store.removeFolder(a);
    await store.removeFolder(b);
    await store.removeFolder(longer);
    expect(await store.listFolders()).toEqual([]);
    await store.close();
  });

  it('ownerAlive: the owner file says who runs', async () => {
    const { store, rawOwner } = await makeKit();
    const f = folderOf();
    // No owner file: nobody.
    expect(await store.ownerAlive(f)).toBe(false);
    // Written by this process: false (the connection asks its own locks first; a folder of this process
    // that its locks do not know is a leftover).
    await store.writeOwner(f);
    expect(await store.ownerAlive(f)).toBe(false);
    const now = Date.now();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await rawOwner(f, JSON.stringify({ host: hostname(), pid: sleeper.pid, at: now }));
      expect(await store.ownerAlive(f)).toBe(true);
    } finally {
      sleeper.kill();
    }
    await rawOwner(f, JSON.stringify({ host: hostname(), pid: await deadPid(), at: now }));
    expect(await store.ownerAlive(f)).toBe(false);
    // Another host: alive for a day after it started.
    await rawOwner(f, JSON.stringify({ host: 'elsewhere.example', pid: 1, at: now - 3600_000 }));
    expect(await store.ownerAlive(f)).toBe(true);
    await rawOwner(f, JSON.stringify({ host: 'elsewhere.example', pid: 1, at: now - 25 * 3600_000 }));
    expect(await store.ownerAlive(f)).toBe(false);
    // Not JSON: nobody.
    await rawOwner(f, '{not json');
    expect(await store.ownerAlive(f)).toBe(false);
    await store.removeFolder(f);
    await store.close();
  });
});

describe('hive staging store s3a://: locations', () => {
  it('LOCATION is s3a://bucket/key, under the prefix with or without a trailing slash', async () => {
    const cfg = motoConfig();
    const f = 'jobpub_stg_0123456789abcdef0123456789abcdef';
    expect(openStagingStore({ stagingUri: 's3a://stage-bucket/pre/fix/', stagingS3: cfg }).uri(f)).toBe(
      `s3a://stage-bucket/pre/fix/${f}`,
    );
    expect(openStagingStore({ stagingUri: 's3a://stage-bucket', stagingS3: cfg }).uri(f)).toBe(
      `s3a://stage-bucket/${f}`,
    );
  });

  it('refuses s3a:// without S3 settings, other schemes, and a bucket outside the connection', async () => {
    expect(() => openStagingStore({ stagingUri: 's3a://stage-bucket/p' })).toThrow(/needs S3 settings/);
    expect(() => openStagingStore({ stagingUri: 's3://stage-bucket/p', stagingS3: motoConfig() })).toThrow(
      /s3:\/\/ is not supported/,
    );
    expect(() => openStagingStore({ stagingUri: 's3a://Bad_Bucket/p', stagingS3: motoConfig() })).toThrow(
      /must be s3a:\/\/bucket\/prefix/,
    );
    const scoped = openStagingStore({
      stagingUri: 's3a://other-bucket/p',
      stagingS3: motoConfig({ bucket: 'stage-bucket' }),
    });
    await expect(scoped.writeOwner('jobpub_stg_x')).rejects.toMatchObject({ code: 'VALIDATION' });
    const prefixed = openStagingStore({
      stagingUri: 's3a://stage-bucket/elsewhere',
      stagingS3: motoConfig({ bucket: 'stage-bucket', prefix: 'hive/' }),
    });
    await expect(prefixed.listFolders()).rejects.toThrow(/limited to keys under "hive"/);
  });
});

/** A LoadRequest over local fixture results, every column as is. */
async function loadRequest(
  rel: string,
  format: ResultFormat,
  into: string,
  batchSize = 7,
): Promise<LoadRequest> {
  const results = await openResults(path.join(FIXTURES, rel), format, { batchSize });
  return {
    into: { namespace: 'stage_db', name: into },
    columns: results.schema.fields.map((f, i) => ({
      name: f.name,
      sqlType: 'unused',
      source: f,
      sourceIndex: i,
    })),
    results,
    onProgress: () => {},
  };
}

describe('hive stageResults into an s3a:// store (moto)', () => {
  it('copies Parquet parts unchanged under prefix/jobpub_stg_<session>/ and the DDL points there', async () => {
    const bucket = await freshBucket(client, 'hive-ddl');
    const store = openStagingStore({ stagingUri: `s3a://${bucket}/hive/staging`, stagingS3: motoConfig() });
    const folder = folderOf();
    const req = await loadRequest('pqt/parts', 'pqt', folder);
    const sql: string[] = [];
    const rows = await stageResults(async (s) => void sql.push(s), store, req);
    expect(rows).toBe(req.results.rowCount);
    expect(await keysUnder(bucket, 'hive/')).toEqual([
      `hive/staging/${folder}/${OWNER_FILE}`,
      `hive/staging/${folder}/part-00000.parquet`,
      `hive/staging/${folder}/part-00001.parquet`,
    ]);
    for (const [i, name] of ['part-00000.parquet', 'part-00001.parquet'].entries()) {
      const want = readFileSync(path.join(FIXTURES, 'pqt/parts', name));
      expect((await objectBytes(bucket, `hive/staging/${folder}/part-0000${i}.parquet`)).equals(want)).toBe(
        true,
      );
    }
    const owner = JSON.parse(
      (await objectBytes(bucket, `hive/staging/${folder}/${OWNER_FILE}`)).toString('utf8'),
    );
    expect(owner).toMatchObject({ host: hostname(), pid: process.pid });
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/^CREATE EXTERNAL TABLE `stage_db`\.`jobpub_stg_[0-9a-f]{32}` \(/);
    expect(sql[0]).toContain(` STORED AS PARQUET LOCATION 's3a://${bucket}/hive/staging/${folder}'`);
    expect(sql[0]!.endsWith(`LOCATION 's3a://${bucket}/hive/staging/${folder}'`)).toBe(true);
    await store.close();
  });

  it('converted CSV: the same Parquet bytes in S3 as in a file:// folder (the one Hive reads back)', async () => {
    const bucket = await freshBucket(client, 'hive-csv');
    const s3 = openStagingStore({ stagingUri: `s3a://${bucket}/st`, stagingS3: motoConfig() });
    const dir = mkdtempSync(path.join(tmp, 'csv-'));
    const local = openStagingStore({ stagingUri: `file://${dir}` });
    const folder = folderOf();
    const fromS3: string[] = [];
    const fromFile: string[] = [];
    const rowsS3 = await stageResults(
      async (s) => void fromS3.push(s),
      s3,
      await loadRequest('csv/types.csv', 'csv', folder, 2),
    );
    const rowsFile = await stageResults(
      async (s) => void fromFile.push(s),
      local,
      await loadRequest('csv/types.csv', 'csv', folder, 2),
    );
    expect(rowsS3).toBe(rowsFile);
    const localParts = readdirSync(path.join(dir, folder))
      .filter((n) => n.endsWith('.parquet'))
      .sort();
    // Batches of 2 rows: more than one part file.
    expect(localParts.length).toBeGreaterThan(1);
    expect(await keysUnder(bucket, `st/${folder}/`)).toEqual(
      [OWNER_FILE, ...localParts].map((n) => `st/${folder}/${n}`).sort(),
    );
    for (const n of localParts) {
      const want = readFileSync(path.join(dir, folder, n));
      expect((await objectBytes(bucket, `st/${folder}/${n}`)).equals(want)).toBe(true);
    }
    // The two DDLs differ only in their LOCATION.
    expect(fromS3[0]!.replace(`'s3a://${bucket}/st/${folder}'`, 'X')).toBe(
      fromFile[0]!.replace(`'file://${path.join(dir, folder)}'`, 'X'),
    );
    await s3.removeFolder(folder);
    expect(await keysUnder(bucket, 'st/')).toEqual([]);
    await s3.close();
  });
});
