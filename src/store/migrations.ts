import type { Db } from './db.js';

/**
 * The metadata schema, one list for both databases. `{{pk}}` is the only word that differs. JSON is kept
 * as TEXT and timestamps as ISO-8601 TEXT (UTC, milliseconds), which sort as they compare in both.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE people (
     id {{pk}}, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL,
     is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE api_tokens (
     id {{pk}}, token_id TEXT NOT NULL UNIQUE, person_id BIGINT NOT NULL REFERENCES people(id),
     token_hash TEXT NOT NULL UNIQUE, description TEXT NOT NULL, expires_at TEXT, last_used TEXT,
     created_at TEXT NOT NULL);
   CREATE TABLE connections (
     id {{pk}}, name TEXT NOT NULL, vendor TEXT NOT NULL, type TEXT NOT NULL, host TEXT, port INTEGER,
     ssl INTEGER NOT NULL DEFAULT 0, params TEXT NOT NULL, credential_type TEXT NOT NULL,
     credentials_sealed TEXT, is_global INTEGER NOT NULL DEFAULT 0, description TEXT NOT NULL,
     creator_id BIGINT NOT NULL REFERENCES people(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     deleted_at TEXT);
   CREATE TABLE connection_permissions (
     connection_id BIGINT NOT NULL REFERENCES connections(id), person_id BIGINT NOT NULL REFERENCES people(id),
     role TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (connection_id, person_id));
   CREATE TABLE flows (
     id {{pk}}, name TEXT NOT NULL, description TEXT NOT NULL, creator_id BIGINT NOT NULL REFERENCES people(id),
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE recipes (
     id {{pk}}, name TEXT NOT NULL, flow_id BIGINT NOT NULL REFERENCES flows(id),
     creator_id BIGINT NOT NULL REFERENCES people(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
   CREATE TABLE job_groups (
     id {{pk}}, recipe_id BIGINT NOT NULL REFERENCES recipes(id), status TEXT NOT NULL,
     creator_id BIGINT NOT NULL REFERENCES people(id), created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     deleted_at TEXT);
   CREATE TABLE results (
     id {{pk}}, job_group_id BIGINT NOT NULL REFERENCES job_groups(id), format TEXT NOT NULL, uri TEXT NOT NULL,
     connection_id BIGINT, options TEXT NOT NULL, row_count BIGINT NOT NULL, schema TEXT NOT NULL,
     files TEXT NOT NULL);
   CREATE TABLE jobs (
     id {{pk}}, session_id TEXT NOT NULL UNIQUE, job_group_id BIGINT NOT NULL REFERENCES job_groups(id),
     connection_id BIGINT NOT NULL REFERENCES connections(id), creator_id BIGINT NOT NULL REFERENCES people(id),
     path TEXT NOT NULL, table_name TEXT NOT NULL, final_table TEXT, action TEXT NOT NULL,
     input_format TEXT NOT NULL, dedupe_key TEXT NOT NULL, target_key TEXT NOT NULL, status TEXT NOT NULL, phase TEXT,
     percent_complete INTEGER NOT NULL DEFAULT 0, rows_total BIGINT NOT NULL DEFAULT 0,
     rows_written BIGINT NOT NULL DEFAULT 0, bytes_read BIGINT NOT NULL DEFAULT 0, steps TEXT NOT NULL,
     warnings TEXT NOT NULL, error_message TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0, owner TEXT, lease_until TEXT, created_at TEXT NOT NULL,
     started_at TEXT, finished_at TEXT, last_heartbeat_at TEXT, updated_at TEXT NOT NULL);
   CREATE INDEX jobs_queue ON jobs (status, lease_until);
   CREATE INDEX jobs_job_group ON jobs (job_group_id);
   CREATE INDEX jobs_dedupe ON jobs (dedupe_key, status);
   CREATE INDEX jobs_target ON jobs (target_key, status)`,
];

const PK = { sqlite: 'INTEGER PRIMARY KEY AUTOINCREMENT', postgres: 'BIGSERIAL PRIMARY KEY' } as const;

/** Applies the migrations not yet applied, under a lock so that instances starting together take turns. */
export async function migrate(db: Db): Promise<void> {
  await db.tx(async (q) => {
    if (db.dialect === 'postgres') await q.run('SELECT pg_advisory_xact_lock(7405821)');
    await q.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const done = await q.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    for (let v = (done?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      for (const stmt of MIGRATIONS[v - 1]!.split(/;\s*\n/)) {
        await q.run(stmt.replaceAll('{{pk}}', PK[db.dialect]));
      }
      await q.run('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [
        v,
        new Date().toISOString(),
      ]);
    }
  });
}
