import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoint, ensureMoto, freshBucket, motoClient, putAll } from '../storage/s3/moto.js';
import type { TestService } from '../support/service.js';
import { FIXTURES_ROOT, testService } from '../support/service.js';
import {
  call,
  duckdbConnection,
  expectException,
  expectNoSecretsInLogs,
  newestJobId,
  PQT_ROWS,
  pollJob,
  recipe,
} from './helpers.js';

const SECRET = 's3-Secr3t-access-key-never-shown';

async function duckSum(file: string, table: string): Promise<{ n: number; sumI: number }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file);
  const c = await inst.connect();
  try {
    const r = await c.runAndReadAll(`SELECT COUNT(*), COALESCE(SUM(i), 0) FROM main."${table}"`);
    const row = r.getRows()[0]!;
    return { n: Number(row[0]), sumI: Number(row[1]) };
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** api.md, Job groups: `s3://` results through an `s3` connection, registered and published. */
describe('results on S3', () => {
  let svc: TestService;
  let client: S3Client;
  let bucket: string;
  let alice: { id: number; auth: string };
  let bob: { id: number; auth: string };
  let s3Conn: number;

  const s3Body = (over: Record<string, unknown> = {}) => ({
    name: 'lake',
    vendor: 's3',
    type: 'remotefile',
    params: { bucket, region: 'us-east-1', endpoint: endpoint(), forcePathStyle: true, prefix: 'results' },
    credentialType: 'awsKeySecret',
    credentials: [{ accessKeyId: 'testing-key', secretAccessKey: SECRET }],
    ...over,
  });

  beforeAll(async () => {
    await ensureMoto();
    client = await motoClient();
    bucket = await freshBucket(client, 'api');
    const parquet = readFileSync(path.join(FIXTURES_ROOT, 'pqt/codec_snappy.parquet'));
    await putAll(client, bucket, [
      { key: 'results/orders/part-00000.parquet', body: parquet },
      { key: 'results/orders/part-00001.parquet', body: parquet },
      { key: 'results/orders/_SUCCESS', body: '' },
      { key: 'elsewhere/orders.parquet', body: parquet },
    ]);
    svc = await testService();
    alice = await svc.person('alice@s3.test');
    bob = await svc.person('bob@s3.test');
    const c = await call(svc, alice.auth, 'POST', '/v4/connections', s3Body());
    expect(c.statusCode, c.body).toBe(201);
    expect(c.json()).toMatchObject({ vendor: 's3', type: 'remotefile', hasCredentials: true });
    expect(c.body).not.toContain(SECRET);
    s3Conn = c.json().id;
  });
  afterAll(async () => {
    expectNoSecretsInLogs(svc, [SECRET]);
    await svc.close();
  });

  const register = async (auth: string, results: unknown[]) => {
    const recipeId = await recipe(svc, auth);
    const r = await call(svc, auth, 'POST', '/v4/jobGroups', { wrangledDataset: { id: recipeId }, results });
    return { r, recipeId };
  };

  it('registers a prefix of part files: row count, schema and every s3:// part', async () => {
    const { r } = await register(alice.auth, [
      { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: s3Conn } },
    ]);
    expect(r.statusCode, r.body).toBe(201);
    const result = r.json().results[0];
    expect(result.rowCount).toBe(2 * PQT_ROWS);
    expect(result.connection).toEqual({ id: s3Conn });
    expect(result.files).toEqual([
      `s3://${bucket}/results/orders/part-00000.parquet`,
      `s3://${bucket}/results/orders/part-00001.parquet`,
    ]);
    expect(result.schema[0]).toEqual({ name: 'i', type: 'int32', nullable: true });
  });

  it('refuses what it could not read, naming bucket and key or the connection', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [
        { format: 'pqt', uri: `s3://${bucket}/results/orders/` },
        400,
        'ValidationFailed',
        /needs "connection"/,
      ],
      [
        { format: 'pqt', uri: `s3://${bucket}/elsewhere/orders.parquet`, connection: { id: s3Conn } },
        400,
        'ValidationFailed',
        /limited to keys under "results"/,
      ],
      [
        { format: 'pqt', uri: `s3://${bucket}/results/nothing-here/`, connection: { id: s3Conn } },
        400,
        'ValidationFailed',
        new RegExp(`s3://${bucket}/results/nothing-here`),
      ],
      [
        { format: 'pqt', uri: `s3://other-bucket-x/results/a.parquet`, connection: { id: s3Conn } },
        400,
        'ValidationFailed',
        /limited to bucket/,
      ],
      [
        { format: 'pqt', uri: 'file:///tmp/x.parquet', connection: { id: s3Conn } },
        400,
        'ValidationFailed',
        /s3:\/\/ URIs only/,
      ],
      [
        { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: 99999 } },
        400,
        'ValidationFailed',
        /connection 99999 does not exist/,
      ],
    ];
    for (const [result, status, name, words] of cases) {
      const { r } = await register(alice.auth, [result]);
      expect(expectException(r, status, name), JSON.stringify(result)).toMatch(words);
    }
    // Another person's private s3 connection cannot be used to read (403).
    const { r } = await register(bob.auth, [
      { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: s3Conn } },
    ]);
    expectException(r, 403, 'AccessControlException', /not shared with you/);
  });

  it('refuses a non-s3 connection for an s3:// result, and an s3 connection as a publish target', async () => {
    const duck = await duckdbConnection(svc, alice.auth, {}, 's3-refused.duckdb');
    const { r } = await register(alice.auth, [
      { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: duck } },
    ]);
    expectException(r, 400, 'ValidationFailed', /not a storage connection/);

    const ok = await register(alice.auth, [
      { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: s3Conn } },
    ]);
    const pub = await call(svc, alice.auth, 'PUT', `/v4/jobGroups/${ok.r.json().id}/publish`, {
      connection: { id: s3Conn },
      path: ['main'],
      table: 'orders',
      action: 'createAndLoad',
      inputFormat: 'pqt',
      flowNodeId: ok.recipeId,
    });
    expectException(pub, 400, 'ValidationFailed', /not a table target/);
  });

  it('publishes S3 results into DuckDB: every row of both parts, once', async () => {
    svc.startWorkers();
    const { r, recipeId } = await register(alice.auth, [
      { format: 'pqt', uri: `s3://${bucket}/results/orders/`, connection: { id: s3Conn } },
    ]);
    const duck = await duckdbConnection(svc, alice.auth, {}, 's3-target.duckdb');
    const pub = await call(svc, alice.auth, 'PUT', `/v4/jobGroups/${r.json().id}/publish`, {
      connection: { id: duck },
      path: ['main'],
      table: 'orders',
      action: 'dropAndLoad',
      inputFormat: 'pqt',
      flowNodeId: recipeId,
    });
    expect(pub.statusCode, pub.body).toBe(200);
    const job = await pollJob(svc, alice.auth, await newestJobId(svc, alice.auth, r.json().id));
    expect(job.status, JSON.stringify(job)).toBe('Complete');
    expect(job.rowsWritten).toBe(2 * PQT_ROWS);
    const local = await duckSum(path.join(svc.dataDir, 's3-target.duckdb'), 'orders');
    expect(local.n).toBe(2 * PQT_ROWS);
    // The same rows as one local copy, twice: compare a checksum with the fixture's expected rows.
    const expected = JSON.parse(readFileSync(path.join(FIXTURES_ROOT, 'pqt/codec_snappy.case.json'), 'utf8'));
    const sumI = (expected.rows as { i: number | null }[]).reduce((s, row) => s + (row.i ?? 0), 0);
    expect(local.sumI).toBe(2 * sumI);
  });
});
