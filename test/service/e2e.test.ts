import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Json, Schema } from '../../src/domain/schema/index.js';
import { openResults } from '../../src/formats/open.js';
import type { ResultFormat } from '../../src/formats/reader.js';
import type { TargetConfig } from '../../src/targets/config.js';
import { type GoldenCase, loadCases } from '../support/cases.js';
import { readBack as duckdbReadBack } from '../support/readback/duckdb.js';
import { sortByJson } from '../support/results.js';
import * as duckdbStored from '../support/stored/duckdb.js';
import * as mysqlStored from '../support/stored/mysql.js';
import * as postgresStored from '../support/stored/postgres.js';
import { mysql, postgres, type Sandbox } from '../support/targets.js';
import {
  duckdbConnection,
  type Job,
  makeConnection,
  makeJobGroup,
  makeRecipe,
  mysqlConnection,
  PG_PASSWORD,
  type PublishBody,
  postgresConnection,
  publishAndWait,
} from './support/api.js';
import {
  ADMIN_PASSWORD,
  ADMIN_TOKEN,
  FIXTURES,
  type Server,
  startServer,
  useServers,
} from './support/server.js';

/**
 * End to end over the real process: connections to the running PostgreSQL and MariaDB and a DuckDB file
 * under the data directory, one job group holding a fixture of each format, every action published over
 * HTTP, the job polled until it ends, and every row read back from the target and compared with the
 * fixture's expected rows (as the target stores them: test/support/stored/*).
 */
useServers();

/** One fixture per format, each storable in all three targets (checked below, not assumed). */
const PICKS: Record<ResultFormat, string> = {
  pqt: 'pqt/parts.case.json',
  avro: 'avro/blocks_deflate.case.json',
  csv: 'csv/strings.case.json',
  json: 'json/nested_lines.case.json',
};
const FORMATS = Object.keys(PICKS) as ResultFormat[];
const STORED = { postgres: postgresStored, mysql: mysqlStored, duckdb: duckdbStored } as const;
type Kind = keyof typeof STORED;

interface Fixture {
  readonly c: GoldenCase;
  readonly schema: Schema;
  readonly location: string;
}

const cases = loadCases();
const fixtures = {} as Record<ResultFormat, Fixture>;
let server: Server;
let recipe: number;
let group: number;

beforeAll(async () => {
  for (const f of FORMATS) {
    const c = cases.find((x) => x.file === path.join(FIXTURES, PICKS[f]));
    if (!c?.rows) throw new Error(`fixture ${PICKS[f]} is missing or has no expected rows`);
    const location = path.resolve(path.dirname(c.file), c.path);
    const opened = await openResults(location, c.format, c.options ?? {});
    fixtures[f] = { c, schema: opened.schema, location };
  }
  server = await startServer({ label: 'e2e', env: { JOBPUB_CONCURRENCY: '6' } });
  recipe = await makeRecipe(server, 'e2e');
  const g = await makeJobGroup(
    server,
    recipe,
    FORMATS.map((f) => ({
      format: f,
      uri: pathToFileURL(fixtures[f].location).href,
      ...(f === 'csv' ? { header: true } : {}),
    })),
  );
  expect(g.status).toBe('Complete');
  for (const f of FORMATS) {
    expect(g.results.find((r) => r.format === f)?.rowCount, f).toBe(fixtures[f].c.rowCount);
  }
  group = g.id;
});

/** Where one format's publishes land: a connection, the publish `path`, and a way to read rows back. */
interface Place {
  readonly connection: number;
  readonly path: string[];
  rows(table: string, schema: Schema): Promise<Record<string, Json>[]>;
  tables(): Promise<string[]>;
}

const sandboxes: Sandbox[] = [];
afterEach(async (ctx) => {
  // Kept when the test failed, to look at.
  if (ctx.task.result?.state === 'pass') for (const s of sandboxes) await s.drop();
  sandboxes.length = 0;
});

async function duckdbTables(file: string): Promise<string[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    const r = await c.runAndReadAll(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    );
    return r.getRows().map((x) => String(x[0]));
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** One place per format: a server target's sandbox shared by the formats, a DuckDB file per format. */
async function places(kind: Kind): Promise<Record<ResultFormat, Place>> {
  const out = {} as Record<ResultFormat, Place>;
  if (kind === 'duckdb') {
    // One file per format: the test reads a file back while the service publishes into the others
    // (DuckDB lets one process hold a file at a time).
    for (const f of FORMATS) {
      const rel = `warehouse-${f}.duckdb`;
      const config: TargetConfig = { kind: 'duckdb', file: path.join(server.dataDir, rel) };
      const connection = await makeConnection(server, duckdbConnection(`duck-${f}`, rel));
      out[f] = {
        connection,
        path: ['main'],
        rows: (t, s) => duckdbReadBack(config, { namespace: 'main', name: t }, s),
        tables: () => duckdbTables(config.file),
      };
    }
    return out;
  }
  const box = await (kind === 'postgres' ? postgres : mysql).fresh(`svc_e2e_${kind}`);
  sandboxes.push(box);
  const connection = await makeConnection(
    server,
    kind === 'postgres' ? postgresConnection(`pg-${box.namespace}`) : mysqlConnection(`my-${box.namespace}`),
  );
  for (const f of FORMATS) {
    out[f] = { connection, path: box.path, rows: (t, s) => box.rows(t, s), tables: () => box.tables() };
  }
  return out;
}

const complete = (j: Job) => {
  expect(j.status, `${j.action} ${j.table}: ${j.errorMessage}`).toBe('Complete');
  expect(j.errorMessage).toBeNull();
  expect(j.attempts).toBe(1);
  expect(j.percentComplete).toBe(100);
  return j;
};

/** Every action on one format, checking the rows after each publish. */
async function chain(kind: Kind, f: ResultFormat, place: Place): Promise<void> {
  const { c, schema } = fixtures[f];
  const stored = STORED[kind];
  const fields = schema.fields;
  expect(stored.firstUnstorable(fields, c.rows!), `${PICKS[f]} must be storable in ${kind}`).toBeUndefined();
  const shape = (rows: readonly Record<string, Json>[]) => sortByJson(stored.normalize(schema, rows));
  const want = shape(c.rows!.map((r) => stored.rowAsStored(fields, r)));
  const read = async (table: string) => shape(await place.rows(table, schema));
  const body = (action: string, table: string): PublishBody => ({
    connection: { id: place.connection },
    path: place.path,
    table,
    action,
    inputFormat: f,
    flowNodeId: recipe,
  });
  const rowCount = c.rowCount!;

  const cl = complete(await publishAndWait(server, group, body('createAndLoad', `cl_${f}`)));
  expect(cl.finalTable).toMatch(new RegExp(`^cl_${f}_\\d{14}$`));
  expect(cl.rowsWritten).toBe(rowCount);
  expect(await read(cl.finalTable!)).toEqual(want);

  const created = complete(await publishAndWait(server, group, body('create', `c_${f}`)));
  expect(created.finalTable).toMatch(new RegExp(`^c_${f}_\\d{14}$`));
  expect(created.rowsWritten).toBe(0);
  expect(await read(created.finalTable!)).toEqual([]);

  const table = `t_${f}`;
  const absent = complete(await publishAndWait(server, group, body('dropAndLoad', table)));
  expect(absent.finalTable).toBe(table);
  expect(await read(table)).toEqual(want);

  const truncated = complete(await publishAndWait(server, group, body('truncateAndLoad', table)));
  expect(truncated.rowsWritten).toBe(rowCount);
  expect(await read(table)).toEqual(want);

  const loaded = complete(await publishAndWait(server, group, body('load', table)));
  expect(loaded.rowsWritten).toBe(rowCount);
  expect(await read(table)).toEqual(sortByJson([...want, ...want]));

  complete(await publishAndWait(server, group, body('dropAndLoad', table)));
  expect(await read(table)).toEqual(want);
}

describe.each(['postgres', 'mysql', 'duckdb'] as const)('%s over HTTP', (kind) => {
  it('every action with every format lands the expected rows; a load into a missing table fails', async () => {
    const at = await places(kind);

    const missing = await publishAndWait(server, group, {
      connection: { id: at.pqt.connection },
      path: at.pqt.path,
      table: 'no_such_table',
      action: 'load',
      inputFormat: 'pqt',
      flowNodeId: recipe,
    });
    expect(missing.status).toBe('Failed');
    expect(missing.errorMessage).toContain('no_such_table');
    expect(missing.attempts).toBe(1); // terminal: not retried
    expect(await at.pqt.tables()).toEqual([]);

    await Promise.all(FORMATS.map((f) => chain(kind, f, at[f])));

    const expectedTables = (fs: readonly ResultFormat[]) =>
      fs.flatMap((f) => [`c_${f}`, `cl_${f}`, `t_${f}`]);
    const tables =
      kind === 'duckdb'
        ? (await Promise.all(FORMATS.map((f) => at[f].tables()))).flat()
        : await at.pqt.tables();
    // Each table once (the suffixed ones by prefix), and no staging table left behind.
    expect(tables.map((t) => t.replace(/_\d{14}$/, '')).sort()).toEqual(expectedTables(FORMATS).sort());
    expect(tables.filter((t) => t.toLowerCase().startsWith('jobpub_'))).toEqual([]);
  }, 180_000);
});

it('no line the process wrote holds a password or token', () => {
  const out = server.output();
  expect(out).toContain('publish job started'); // the logs are there: the check below is not vacuous
  for (const secret of [ADMIN_TOKEN, ADMIN_PASSWORD, PG_PASSWORD]) expect(out).not.toContain(secret);
});
