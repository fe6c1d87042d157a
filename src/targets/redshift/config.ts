import type { S3ConnectionConfig } from '../../storage/s3/config.js';

/** Keys for COPY to read S3 with (ACCESS_KEY_ID / SECRET_ACCESS_KEY [/ SESSION_TOKEN]); an IAM role is preferred. */
export interface RedshiftCopyKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * A Redshift cluster or serverless workgroup, and the S3 place rows are staged in for COPY (api.md:
 * `s3Connection`, `iamRoleArn`). Secrets stay in here only; COPY statements are redacted wherever shown.
 */
export interface RedshiftConfig {
  readonly kind: 'redshift';
  readonly host: string;
  /** 5439 unless the cluster says otherwise. */
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string | undefined;
  readonly ssl?: boolean;
  /** The staging bucket's region when it differs from the cluster's (COPY `REGION`; not allowed for Parquet). */
  readonly region?: string | undefined;
  /** The role COPY assumes to read S3 (`IAM_ROLE '<arn>'`); `default` uses the cluster's default role. */
  readonly iamRoleArn?: string | undefined;
  /** Keys for COPY when there is no role (not recommended by AWS). */
  readonly copyKeys?: RedshiftCopyKeys | undefined;
  /** The S3 connection jobpub stages files and manifests through. */
  readonly s3: S3ConnectionConfig;
  /** `s3://bucket/prefix`: each publish stages under `<prefix>/jobpub_stg_<session>/`. */
  readonly stagingUri: string;
}

export const REDSHIFT_DEFAULT_PORT = 5439;
