import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { startWorkers, type Workers } from '../../src/jobs/worker.js';
import { loadSecretKey, secretBox } from '../../src/security/secret-box.js';
import { bootstrap } from '../../src/service/bootstrap.js';
import type { Deps } from '../../src/service/deps.js';
import { openStore } from '../../src/store/index.js';

export const FIXTURES_ROOT = path.resolve(import.meta.dirname, '../fixtures');
export const ADMIN_EMAIL = 'admin@jobpub.test';
export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestService {
  readonly app: FastifyInstance;
  readonly deps: Deps;
  readonly dataDir: string;
  /** Every log line the service wrote, as text (to assert that no secret appears). */
  readonly logs: string[];
  /** `Authorization` header values. */
  readonly adminAuth: string;
  /** Makes a non-admin person and a token for them; answers their id and Authorization header. */
  person(email: string): Promise<{ id: number; auth: string }>;
  /** Starts the publish workers (off by default, so queued jobs stay Pending). */
  startWorkers(): Workers;
  close(): Promise<void>;
}

const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

/**
 * The service on SQLite in a fresh data directory, built with buildApp() (not listening: use inject()).
 * Storage roots: the test fixtures and `<dataDir>/results`. `env` overrides any configuration variable.
 */
export async function testService(env: Record<string, string> = {}): Promise<TestService> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'jobpub-svc-'));
  const config: Config = loadConfig({
    JOBPUB_DATA_DIR: dataDir,
    JOBPUB_STORAGE_ROOTS: [FIXTURES_ROOT, path.join(dataDir, 'results')].join(path.delimiter),
    JOBPUB_ADMIN_EMAIL: ADMIN_EMAIL,
    JOBPUB_ADMIN_PASSWORD: ADMIN_PASSWORD,
    JOBPUB_DEMO: 'false',
    JOBPUB_POLL_MS: '50',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: config.logLevel }, sink);
  const store = await openStore(config);
  const deps: Deps = { config, store, box: secretBox(loadSecretKey(config.secretKey, dataDir)), log };
  await bootstrap(deps);
  const app = await buildApp(deps);
  await app.ready();
  const adminAuth = basic(ADMIN_EMAIL, ADMIN_PASSWORD);
  const workers: Workers[] = [];
  return {
    app,
    deps,
    dataDir,
    logs,
    adminAuth,
    async person(email) {
      const password = `pw-${email}-secret`;
      const made = await app.inject({
        method: 'POST',
        url: '/v4/people',
        headers: { authorization: adminAuth },
        payload: { email, name: email.split('@')[0], password },
      });
      if (made.statusCode !== 201) throw new Error(`person: ${made.statusCode} ${made.body}`);
      const tok = await app.inject({
        method: 'POST',
        url: '/v4/apiAccessTokens',
        headers: { authorization: basic(email, password) },
        payload: { lifetimeSeconds: 3600 },
      });
      return { id: made.json().id, auth: `Bearer ${tok.json().tokenValue}` };
    },
    startWorkers() {
      const w = startWorkers(deps);
      workers.push(w);
      return w;
    },
    async close() {
      for (const w of workers) await w.stop(10_000);
      await app.close();
      await store.db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
