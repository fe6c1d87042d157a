import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_RESULTS_DIR } from '../config/config.js';
import { hashPassword, randomPassword } from '../security/hashing.js';
import { resultAccess } from './connections.js';
import type { Deps } from './deps.js';
import { describeResult } from './results.js';

const DEMO_FILES = [
  { format: 'pqt', file: 'orders.parquet' },
  { format: 'avro', file: 'orders.avro' },
  { format: 'csv', file: 'orders.csv' },
  { format: 'json', file: 'orders.json' },
] as const;

export interface Bootstrapped {
  /** Lines to print once, on the first start: how to authenticate and what the demo is. */
  readonly banner: string[];
}

/**
 * On an empty store: the admin (api.md, Authentication) and, unless JOBPUB_DEMO=false, the demo — a
 * global DuckDB connection `warehouse` (data/warehouse.duckdb), a flow, a recipe and a Complete job
 * group over the bundled sample results in all four formats.
 */
export async function bootstrap(deps: Deps): Promise<Bootstrapped> {
  const { store, config } = deps;
  if ((await store.people.count()) > 0) return { banner: [] };
  const password = config.admin.password ?? randomPassword();
  let admin: Awaited<ReturnType<typeof store.people.create>>;
  try {
    admin = await store.people.create({
      email: config.admin.email,
      name: 'Administrator',
      passwordHash: await hashPassword(password),
      isAdmin: true,
    });
  } catch {
    // Another instance on the same database created it first.
    return { banner: [] };
  }
  const banner = [
    `jobpub: created the admin ${admin.email}`,
    config.admin.password
      ? '  password: the value of JOBPUB_ADMIN_PASSWORD'
      : `  password: ${password}   (shown only now; set JOBPUB_ADMIN_PASSWORD to choose one)`,
    config.admin.token ? '  API token: the value of JOBPUB_ADMIN_TOKEN' : '',
    `  make a token:  curl -s -u '${admin.email}:<password>' -X POST localhost:${config.port}/v4/apiAccessTokens -H 'content-type: application/json' -d '{"lifetimeSeconds": 3600}'`,
  ].filter(Boolean);
  if (!config.demo) return { banner };

  const warehouse = await store.connections.create({
    name: 'warehouse',
    vendor: 'duckdb',
    type: 'embedded',
    host: null,
    port: null,
    ssl: false,
    params: { path: 'warehouse.duckdb' },
    credentialType: 'none',
    credentialsSealed: null,
    isGlobal: true,
    description: `The embedded DuckDB warehouse: ${path.join(config.dataDir, 'warehouse.duckdb')}`,
    creatorId: admin.id,
  });
  const flow = await store.flows.create({
    name: 'Demo: orders',
    description: 'Sample orders, as a recipe run would leave them, in all four result formats',
    creatorId: admin.id,
  });
  const recipe = await store.recipes.create({ name: 'orders', flowId: flow.id, creatorId: admin.id });
  const results = [];
  for (const d of DEMO_FILES) {
    const uri = pathToFileURL(path.join(DEMO_RESULTS_DIR, d.file)).href;
    results.push(await describeResult({ format: d.format, uri }, null, resultAccess(deps)));
  }
  const group = await store.jobGroups.create({ recipeId: recipe.id, creatorId: admin.id, results });
  banner.push(
    `jobpub: demo job group ${group.id} (recipe ${recipe.id}, ${results[0]!.rowCount} orders) is ready to publish to connection ${warehouse.id} "warehouse"`,
    `  curl -s -u '${admin.email}:<password>' -X PUT localhost:${config.port}/v4/jobGroups/${group.id}/publish -H 'content-type: application/json' \\`,
    `    -d '{"connection": {"id": ${warehouse.id}}, "path": ["main"], "table": "orders", "action": "createAndLoad", "inputFormat": "pqt", "flowNodeId": ${recipe.id}}'`,
  );
  return { banner };
}
