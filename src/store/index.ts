import path from 'node:path';
import { connectionsRepo } from './connections.js';
import type { Db } from './db.js';
import { flowsRepo, recipesRepo } from './flows.js';
import { jobGroupsRepo } from './job-groups.js';
import { jobsRepo } from './jobs.js';
import { migrate } from './migrations.js';
import { peopleRepo } from './people.js';
import { tokensRepo } from './tokens.js';

export type Store = ReturnType<typeof repositories>;

const repositories = (db: Db) => ({
  db,
  people: peopleRepo(db),
  tokens: tokensRepo(db),
  connections: connectionsRepo(db),
  flows: flowsRepo(db),
  recipes: recipesRepo(db),
  jobGroups: jobGroupsRepo(db),
  jobs: jobsRepo(db),
});

/** PostgreSQL when a URL is given (shared by instances), else SQLite in the data directory; migrated. */
export async function openStore(opts: { databaseUrl?: string | undefined; dataDir: string }): Promise<Store> {
  const db = opts.databaseUrl
    ? await (await import('./postgres.js')).openPostgres(opts.databaseUrl)
    : await (await import('./sqlite.js')).openSqlite(path.join(opts.dataDir, 'jobpub.sqlite'));
  await migrate(db);
  return repositories(db);
}
