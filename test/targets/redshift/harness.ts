import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import type { Json, Schema } from '../../../src/domain/schema/index.js';
import type { PostgresConfig } from '../../../src/targets/config.js';
import type { Target } from '../../../src/targets/contract.js';
import type { RedshiftConfig } from '../../../src/targets/redshift/config.js';
import { redshiftTarget } from '../../../src/targets/redshift/target.js';
import { freshBucket, motoConfig } from '../../storage/s3/moto.js';
import { readBack, sortMapEntries } from '../../support/readback/postgres.js';
import { sortByJson } from '../../support/results.js';
import { createSchema, PG, type SeamState, seamClient, seamState } from './seam.js';

/** One test's world: its own PostgreSQL schema (kept when the test fails), its own bucket on moto. */
export interface World {
  readonly schema: string;
  readonly bucket: string;
  readonly config: RedshiftConfig;
  readonly target: Target;
  readonly seam: SeamState;
  readonly admin: pg.Client;
  rows(table: string, schema: Schema): Promise<Record<string, Json>[]>;
  tables(): Promise<string[]>;
  drop(): Promise<void>;
}

export const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export async function world(
  s3: S3Client,
  label: string,
  overrides: Partial<RedshiftConfig> = {},
): Promise<World> {
  const schema = `rs_${label
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 16)
    .toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client(PG);
  await admin.connect();
  await createSchema(admin, schema);
  const bucket = await freshBucket(s3, label.replace(/[^a-z0-9]/gi, '').slice(0, 20) || 'rs');
  const seam = seamState();
  const config: RedshiftConfig = {
    kind: 'redshift',
    host: 'example-cluster.abc123.us-east-1.redshift.amazonaws.com',
    port: 5439,
    database: 'dev',
    user: 'jobpub',
    iamRoleArn: 'arn:aws:iam::123456789012:role/jobpub-copy',
    s3: motoConfig(),
    stagingUri: `s3://${bucket}/staging`,
    ...overrides,
  };
  const target = redshiftTarget(config, { openClient: seamClient(schema, s3, seam) });
  const pgConfig: PostgresConfig = { kind: 'postgres', ...PG };
  return {
    schema,
    bucket,
    config,
    target,
    seam,
    admin,
    rows: async (table, s) =>
      sortByJson(sortMapEntries(s, await readBack(pgConfig, { namespace: schema, name: table }, s))),
    tables: async () =>
      (
        await admin.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema])
      ).rows.map((r) => r.tablename as string),
    drop: async () => {
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.end();
    },
  };
}
