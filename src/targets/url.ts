import path from 'node:path';
import { JobpubError } from '../errors/index.js';
import type { TargetConfig } from './config.js';

const DEFAULT_PORTS = { postgres: 5432, mysql: 3306 } as const;

/**
 * `postgres://user:pass@host:port/db`, `mysql://user:pass@host:port/db`, `duckdb:///absolute/file.duckdb`.
 * Errors never repeat the URL: it may hold a password.
 */
export function parseTargetUrl(text: string): TargetConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new JobpubError(
      'USAGE',
      'the target URL is not a URL (expected postgres://, mysql:// or duckdb:///)',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'duckdb') {
    const file = decodeURIComponent(url.pathname);
    if (url.host !== '' || !path.isAbsolute(file) || file === '/') {
      throw new JobpubError('USAGE', 'a DuckDB target is duckdb:///absolute/path/file.duckdb');
    }
    return { kind: 'duckdb', file };
  }
  const kind =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mysql' || scheme === 'mariadb'
        ? 'mysql'
        : undefined;
  if (!kind)
    throw new JobpubError(
      'USAGE',
      `unknown target scheme "${scheme}": use postgres://, mysql:// or duckdb:///`,
    );
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database)
    throw new JobpubError('USAGE', `a ${kind} target URL needs a host and a database`);
  const server = {
    host: url.hostname,
    port: url.port ? Number(url.port) : DEFAULT_PORTS[kind],
    database,
    user: decodeURIComponent(url.username) || (kind === 'postgres' ? 'postgres' : 'root'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    ssl: url.searchParams.get('ssl') === 'true',
  };
  return kind === 'postgres' ? { kind, ...server } : { kind, ...server };
}
