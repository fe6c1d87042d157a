import type { RedshiftConfig } from './redshift/config.js';

/** Where to publish: what a CLI target URL or an API connection resolves to. Secrets stay in here only. */
export interface ServerConfig<K extends string> {
  readonly kind: K;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string | undefined;
  readonly ssl?: boolean;
}

export type PostgresConfig = ServerConfig<'postgres'>;
export type MysqlConfig = ServerConfig<'mysql'>;
export interface DuckdbConfig {
  readonly kind: 'duckdb';
  readonly file: string;
}

/** HiveServer2 (Apache Hive, Spark Thrift Server). `stagingUri`: where result files are staged (file:// now). */
export interface HiveConfig {
  readonly kind: 'hive';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string | undefined;
  readonly transport: 'binary' | 'http';
  readonly auth: 'NOSASL' | 'NONE' | 'PLAIN';
  readonly stagingUri: string;
}

export type TargetConfig = PostgresConfig | MysqlConfig | DuckdbConfig | HiveConfig | RedshiftConfig;

export type TargetKind = TargetConfig['kind'];
