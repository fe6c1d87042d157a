import pino from 'pino';
import { buildApp } from './app.js';
import { type Config, loadConfig } from './config/config.js';
import { startWorkers } from './jobs/worker.js';
import { loadSecretKey, secretBox } from './security/secret-box.js';
import { bootstrap } from './service/bootstrap.js';
import type { Deps } from './service/deps.js';
import { openStore } from './store/index.js';

/** Paths pino blanks wherever they appear in a log object: no secret reaches a log line. */
const REDACT = [
  'req.headers.authorization',
  'headers.authorization',
  '*.password',
  '*.credentials',
  '*.tokenValue',
  '*.secretAccessKey',
];

/**
 * The process: read the config once, open the store, bootstrap an empty one, listen, run the workers,
 * and on SIGTERM/SIGINT stop taking work, let running jobs finish (up to JOBPUB_SHUTDOWN_SECONDS), exit.
 */
export async function startServer(config: Config = loadConfig()) {
  const log = pino({ level: config.logLevel, redact: { paths: REDACT, censor: '***' } });
  const store = await openStore(config);
  const box = secretBox(loadSecretKey(config.secretKey, config.dataDir));
  const deps: Deps = { config, store, box, log };
  const { banner } = await bootstrap(deps);
  const app = await buildApp(deps);
  const address = await app.listen({ port: config.port, host: config.host });
  const workers = startWorkers(deps);
  log.info({ address, store: store.db.dialect, owner: workers.owner }, 'jobpub is listening');
  if (banner.length) process.stdout.write(`${banner.join('\n')}\n`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      log.info('stopping: no new requests or jobs; waiting for running jobs');
      await app.close();
      await workers.stop(config.shutdownMs);
      await store.db.close();
      log.info('stopped');
    })();
    return closing;
  };
  return { app, deps, address, close };
}

/** `jobpub serve` and `npm start`. */
export async function serve(): Promise<void> {
  const server = await startServer();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
