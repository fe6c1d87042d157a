import { JobpubError } from '../../errors/index.js';
import type { ReadOptions, ResultFormat } from '../../formats/reader.js';
import type { RedshiftConfig } from './config.js';

/**
 * The one COPY statement a Redshift load runs, as a pure function of its inputs (golden-tested in
 * test/targets/redshift/statements.test.ts against AWS's grammar, cited in docs/targets/redshift.md):
 *
 *   COPY <copy table> FROM 's3://…/manifest.json' <authorization> FORMAT AS <format> [<format options>] MANIFEST [REGION '<r>']
 *
 * - Parquet: `FORMAT AS PARQUET`, matched by position (the copy table's columns are in the results'
 *   order), `SERIALIZETOJSON` when a column is nested (SUPER). No REGION: Redshift refuses it for
 *   columnar formats (the bucket must be in the cluster's region).
 * - Avro, JSON: `'auto ignorecase'`, matched by field name to the copy table's columns (named after the
 *   results' fields), whatever their case (Redshift folds column names to lower case).
 * - CSV: `IGNOREHEADER 1` when the files have a header row (each file has one), `EMPTYASNULL` because
 *   jobpub reads an unquoted empty field as NULL, `DELIMITER` when it is not a comma.
 * - CSV and JSON: `DATEFORMAT 'auto' TIMEFORMAT 'auto'`, for ISO-8601 text in date/time columns.
 * Never TRUNCATECOLUMNS, MAXERROR or ACCEPTINVCHARS: a value that does not fit fails the COPY, named in
 * the load-error tables, instead of being cut or replaced.
 */
export type CopyAuth =
  | { readonly kind: 'role'; readonly arn: string }
  | {
      readonly kind: 'keys';
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
    }
  | { readonly kind: 'defaultRole' };

export interface CopyCsv {
  readonly header: boolean;
  readonly delimiter: string;
}

/**
 * The CSV layout COPY must read, from the options the results were opened with (OpenedResults.options,
 * defaults as jobpub's reader has them: a header row, a comma). A delimiter COPY cannot be given as a
 * plain literal (a backslash or a control character other than a tab) is refused before anything is
 * staged, rather than guessed at.
 */
export function copyCsv(options: ReadOptions | undefined): CopyCsv {
  const csv = { header: options?.header ?? true, delimiter: options?.delimiter ?? ',' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (csv.delimiter !== '\t' && /[\\\u0000-\u001f\u007f]/.test(csv.delimiter)) {
    throw new JobpubError(
      'PUBLISH_FORMAT_REFUSED',
      `Redshift's COPY cannot be given the CSV delimiter ${JSON.stringify(csv.delimiter)}: use a printable character or a tab`,
    );
  }
  return csv;
}

export interface CopySpec {
  /** The copy table, already quoted. */
  readonly table: string;
  readonly manifestUri: string;
  readonly format: ResultFormat;
  readonly auth: CopyAuth;
  readonly region?: string | undefined;
  readonly csv?: CopyCsv | undefined;
  /** Some column is nested (SUPER). */
  readonly nested: boolean;
}

/**
 * A SQL string literal. Redshift reads `\` as an escape character in literals and PostgreSQL with
 * standard_conforming_strings does not, so a value with a backslash or a control character is refused
 * rather than escaped one way or the other (no URI, ARN or key jobpub writes has one).
 */
export function literal(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\\\u0000-\u001f\u007f]/.test(value)) {
    throw new Error(`a COPY parameter holds a backslash or control character: ${JSON.stringify(value)}`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** How COPY reads S3: the role when there is one, then COPY keys, then the S3 connection's keys, else the default role. */
export function copyAuth(config: RedshiftConfig): CopyAuth {
  if (config.iamRoleArn !== undefined && config.iamRoleArn !== '') {
    return config.iamRoleArn.toLowerCase() === 'default'
      ? { kind: 'defaultRole' }
      : { kind: 'role', arn: config.iamRoleArn };
  }
  const keys = config.copyKeys ?? (config.s3.credentials === 'iamRole' ? undefined : config.s3.credentials);
  if (keys) return { kind: 'keys', ...keys };
  return { kind: 'defaultRole' };
}

function authClause(auth: CopyAuth): string {
  switch (auth.kind) {
    case 'role':
      return `IAM_ROLE ${literal(auth.arn)}`;
    case 'defaultRole':
      return 'IAM_ROLE default';
    case 'keys':
      return `ACCESS_KEY_ID ${literal(auth.accessKeyId)} SECRET_ACCESS_KEY ${literal(auth.secretAccessKey)}${
        auth.sessionToken ? ` SESSION_TOKEN ${literal(auth.sessionToken)}` : ''
      }`;
  }
}

function formatClause(spec: CopySpec): string {
  switch (spec.format) {
    case 'pqt':
      return spec.nested ? 'FORMAT AS PARQUET SERIALIZETOJSON' : 'FORMAT AS PARQUET';
    case 'avro':
      return "FORMAT AS AVRO 'auto ignorecase'";
    case 'json':
      return "FORMAT AS JSON 'auto ignorecase' DATEFORMAT 'auto' TIMEFORMAT 'auto'";
    case 'csv': {
      const csv = spec.csv ?? { header: true, delimiter: ',' };
      const parts = ['FORMAT AS CSV'];
      // A tab is written the way AWS's examples write it ('\t'); other delimiters are plain literals.
      if (csv.delimiter === '\t') parts.push("DELIMITER AS '\\t'");
      else if (csv.delimiter !== ',') parts.push(`DELIMITER AS ${literal(csv.delimiter)}`);
      if (csv.header) parts.push('IGNOREHEADER 1');
      parts.push('EMPTYASNULL', "DATEFORMAT 'auto'", "TIMEFORMAT 'auto'");
      return parts.join(' ');
    }
  }
}

export function copyStatement(spec: CopySpec): string {
  const lines = [
    `COPY ${spec.table}`,
    `FROM ${literal(spec.manifestUri)}`,
    authClause(spec.auth),
    formatClause(spec),
    'MANIFEST',
  ];
  if (spec.region !== undefined && spec.region !== '' && spec.format !== 'pqt') {
    lines.push(`REGION ${literal(spec.region)}`);
  }
  return lines.join('\n');
}

/** The load method in words, for the plan (no credentials). */
export function copyMethod(format: ResultFormat): string {
  const fmt = { pqt: 'PARQUET', avro: "AVRO 'auto ignorecase'", json: "JSON 'auto ignorecase'", csv: 'CSV' }[
    format
  ];
  return `COPY … FROM S3 manifest MANIFEST FORMAT AS ${fmt} into a copy table, then INSERT … SELECT`;
}
