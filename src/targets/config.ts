import type { S3ConnectionConfig } from '../storage/s3/config.js';
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

/**
 * HiveServer2 (Apache Hive, Spark Thrift Server). `stagingUri`: where result files are staged, a `file://`
 * folder the server also sees or `s3a://bucket/prefix`; `stagingS3`: how jobpub reaches that bucket
 * (required for s3a://; the server reads it with its own S3A settings). See hive/staging-store.ts.
 */
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
  readonly stagingS3?: S3ConnectionConfig | undefined;
}

export type TargetConfig = PostgresConfig | MysqlConfig | DuckdbConfig | HiveConfig | RedshiftConfig;

export type TargetKind = TargetConfig['kind'];
