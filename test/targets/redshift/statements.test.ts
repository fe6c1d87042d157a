import { describe, expect, it } from 'vitest';
import { ACTIONS, type PublishAction } from '../../../src/domain/publish/actions.js';
import { type Field, t } from '../../../src/domain/schema/index.js';
import type { JobpubError } from '../../../src/errors/index.js';
import { RESULT_FORMATS } from '../../../src/formats/reader.js';
import { planPublish } from '../../../src/publish/planner.js';
import { redact } from '../../../src/publish/redact.js';
import type { RedshiftConfig } from '../../../src/targets/redshift/config.js';
import { copyAuth, copyCsv, copyStatement, literal } from '../../../src/targets/redshift/copy.js';
import { loadErrorQueries } from '../../../src/targets/redshift/load-errors.js';
import { RS_CAPABILITIES, redshiftTarget } from '../../../src/targets/redshift/target.js';
import { rsType } from '../../../src/targets/redshift/type-map.js';
import { motoConfig } from '../../storage/s3/moto.js';

/**
 * The statements the Redshift target writes, checked against AWS's documented grammar (the pages are cited
 * in docs/targets/redshift.md): COPY for every format and authorization, and the plan of every action.
 * The full statement lists of every action × format, as run, are the golden files in golden/
 * (publish.test.ts).
 */
const ROLE = 'arn:aws:iam::123456789012:role/jobpub-copy';
const config = (over: Partial<RedshiftConfig> = {}): RedshiftConfig => ({
  kind: 'redshift',
  host: 'h',
  port: 5439,
  database: 'dev',
  user: 'u',
  s3: motoConfig(),
  stagingUri: 's3://bucket/staging',
  ...over,
});
const base = {
  table: '"jobpub_copy_x"',
  manifestUri: 's3://bucket/staging/jobpub_stg_x/manifest.json',
  auth: { kind: 'role', arn: ROLE } as const,
  nested: false,
};

/**
 * AWS's COPY synopsis (r_COPY.html), as the target uses it: COPY table FROM 's3://…' authorization
 * [FORMAT [AS] data_format] [parameter [argument] …]. The authorization is one of IAM_ROLE {default|'arn'}
 * or ACCESS_KEY_ID '…' SECRET_ACCESS_KEY '…' [SESSION_TOKEN '…'] (copy-parameters-authorization.html).
 */
const COPY_GRAMMAR = new RegExp(
  [
    /^COPY "[^"]+"\n/,
    /FROM 's3:\/\/[a-z0-9.-]+\/[^'\n]+'\n/,
    /(IAM_ROLE (default|'arn:aws:iam::\d{12}:role\/[^'\n]+')|ACCESS_KEY_ID '[^'\n]+' SECRET_ACCESS_KEY '[^'\n]+'( SESSION_TOKEN '[^'\n]+')?)\n/,
    /FORMAT AS (PARQUET( SERIALIZETOJSON)?|AVRO 'auto ignorecase'|JSON 'auto ignorecase' DATEFORMAT 'auto' TIMEFORMAT 'auto'|CSV( DELIMITER AS '(\\t|[^'\\\n])')?( IGNOREHEADER 1)? EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto')\n/,
    /MANIFEST(\nREGION '[a-z]{2}(-[a-z]+)+-\d')?$/,
  ]
    .map((r) => r.source)
    .join(''),
);

describe('COPY statements', () => {
  it('one per format, exactly', () => {
    expect(copyStatement({ ...base, format: 'pqt' })).toBe(
      `COPY "jobpub_copy_x"\nFROM 's3://bucket/staging/jobpub_stg_x/manifest.json'\nIAM_ROLE '${ROLE}'\nFORMAT AS PARQUET\nMANIFEST`,
    );
    expect(copyStatement({ ...base, format: 'pqt', nested: true })).toContain(
      '\nFORMAT AS PARQUET SERIALIZETOJSON\n',
    );
    expect(copyStatement({ ...base, format: 'avro' })).toContain(
      "\nFORMAT AS AVRO 'auto ignorecase'\nMANIFEST",
    );
    expect(copyStatement({ ...base, format: 'json' })).toContain(
      "\nFORMAT AS JSON 'auto ignorecase' DATEFORMAT 'auto' TIMEFORMAT 'auto'\nMANIFEST",
    );
    expect(copyStatement({ ...base, format: 'csv' })).toContain(
      "\nFORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'\nMANIFEST",
    );
    expect(copyStatement({ ...base, format: 'csv', csv: { header: false, delimiter: ';' } })).toContain(
      "\nFORMAT AS CSV DELIMITER AS ';' EMPTYASNULL",
    );
    expect(copyStatement({ ...base, format: 'csv', csv: { header: true, delimiter: '\t' } })).toContain(
      "FORMAT AS CSV DELIMITER AS '\\t' IGNOREHEADER 1",
    );
  });

  it('every format × authorization × region matches the grammar; REGION never with Parquet', () => {
    const auths = [
      copyAuth(config({ iamRoleArn: ROLE })),
      copyAuth(config({ iamRoleArn: 'default' })),
      copyAuth(config({ copyKeys: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 's/e+cret' } })),
      copyAuth(config({ copyKeys: { accessKeyId: 'ASIAX', secretAccessKey: 'sk', sessionToken: 'tok' } })),
      copyAuth(config()), // the S3 connection's own keys
    ];
    expect(auths.map((a) => a.kind)).toEqual(['role', 'defaultRole', 'keys', 'keys', 'keys']);
    expect(copyAuth(config({ s3: { ...motoConfig(), credentials: 'iamRole' } }))).toEqual({
      kind: 'defaultRole',
    });
    for (const format of RESULT_FORMATS) {
      for (const auth of auths) {
        for (const region of [undefined, 'eu-west-1']) {
          for (const nested of [false, true]) {
            const s = copyStatement({ ...base, format, auth, region, nested });
            expect(s, s).toMatch(COPY_GRAMMAR);
            expect(s.includes('REGION')).toBe(region !== undefined && format !== 'pqt');
            expect(s).not.toMatch(/TRUNCATECOLUMNS|MAXERROR|ACCEPTINVCHARS|IGNOREALLERRORS/);
          }
        }
      }
    }
  });

  it("CSV: the results' read options decide IGNOREHEADER and DELIMITER; a delimiter COPY cannot take is refused", () => {
    const format = (options: Parameters<typeof copyCsv>[0]) =>
      /\nFORMAT AS ([^\n]*)\n/.exec(copyStatement({ ...base, format: 'csv', csv: copyCsv(options) }))?.[1];
    // The reader's defaults: a header row, commas.
    expect(copyCsv(undefined)).toEqual({ header: true, delimiter: ',' });
    expect(format(undefined)).toBe("CSV IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'");
    expect(format({ header: false })).toBe("CSV EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'");
    expect(format({ header: false, delimiter: ';' })).toBe(
      "CSV DELIMITER AS ';' EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    expect(format({ delimiter: '|' })).toBe(
      "CSV DELIMITER AS '|' IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    expect(format({ delimiter: '\t' })).toBe(
      "CSV DELIMITER AS '\\t' IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    expect(format({ header: false, delimiter: "'" })).toBe(
      "CSV DELIMITER AS '''' EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'",
    );
    for (const delimiter of [';', '|', '\t', "'"]) {
      for (const header of [true, false]) {
        const s = copyStatement({ ...base, format: 'csv', csv: copyCsv({ header, delimiter }) });
        if (delimiter !== "'") expect(s, s).toMatch(COPY_GRAMMAR);
        expect(s.includes('IGNOREHEADER 1')).toBe(header);
      }
    }
    for (const delimiter of ['\\', '\u0001', '\u007f']) {
      let code: string | undefined;
      try {
        copyCsv({ delimiter });
      } catch (e) {
        code = (e as JobpubError).code;
      }
      expect(code, JSON.stringify(delimiter)).toBe('PUBLISH_FORMAT_REFUSED');
    }
  });

  it('keys are redacted wherever the statement is shown; the role ARN stays readable', () => {
    const keys = copyAuth(
      config({
        copyKeys: {
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalr/K7MDENG',
          sessionToken: 'FQoG',
        },
      }),
    );
    const shown = redact(copyStatement({ ...base, format: 'csv', auth: keys }));
    expect(shown).toContain("ACCESS_KEY_ID '***' SECRET_ACCESS_KEY '***' SESSION_TOKEN '***'");
    expect(shown).not.toMatch(/AKIAIOSFODNN7EXAMPLE|wJalr|FQoG/);
    expect(redact(copyStatement({ ...base, format: 'pqt' }))).toContain(`IAM_ROLE '${ROLE}'`);
  });

  it('literals: quotes doubled; a backslash or control character refused, never escaped one way or the other', () => {
    expect(literal("s3://b/it's")).toBe("'s3://b/it''s'");
    expect(() => literal('a\\b')).toThrow(/backslash/);
    expect(() => literal('a\nb')).toThrow(/control/);
  });

  it('the load-error queries read SYS_LOAD_ERROR_DETAIL and STL_LOAD_ERRORS by session and start time', () => {
    const q = loadErrorQueries(4242, new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(q.sys).toContain(
      "FROM sys_load_error_detail WHERE session_id = 4242 AND start_time >= '2026-01-02 03:03:05.000'",
    );
    expect(q.stl).toContain(
      "FROM stl_load_errors WHERE session = 4242 AND starttime >= '2026-01-02 03:03:05.000'",
    );
    expect(q.stl).toMatch(/TRIM\(filename\).*line_number.*TRIM\(colname\).*err_code.*TRIM\(err_reason\)/s);
    expect(() => loadErrorQueries(Number.NaN, new Date())).toThrow();
  });
});

const target = redshiftTarget(config({ iamRoleArn: ROLE }));
const fields: Field[] = [
  { name: 'id', type: t.int(64), nullable: false },
  { name: 'Name', type: t.string(), nullable: true },
];
const plan = (
  action: PublishAction,
  existing: boolean,
  format = 'pqt' as const,
  over: Partial<Parameters<typeof planPublish>[0]> = {},
) =>
  planPublish({
    sessionId: '00000000-0000-4000-8000-000000000001',
    now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    action,
    target,
    table: { namespace: 'public', name: 'sales' },
    results: { format, schema: { fields }, rowCount: 3 },
    existing: existing
      ? {
          columns: [
            { name: 'id', sqlType: 'bigint', type: t.int(64), nullable: false, hasDefault: false },
            {
              name: 'name',
              sqlType: 'character varying(65535)',
              type: t.string(),
              nullable: true,
              hasDefault: false,
            },
          ],
        }
      : undefined,
    takenNames: new Set(),
    ...over,
  });
const sqlOf = (p: ReturnType<typeof plan>) =>
  p.steps.map((s) =>
    s.kind === 'sql'
      ? s.sql
      : `<${s.kind}${'table' in s ? ` ${s.table.name}` : ''}${'into' in s ? ` ${s.into.name}` : ''}>`,
  );

describe('the plan of every action on Redshift', () => {
  it('create / createAndLoad: a timestamped table in one transaction', () => {
    expect(sqlOf(plan('create', false))).toEqual([
      '<begin>',
      'CREATE TABLE "public"."sales_20260102030405" (\n  "id" bigint NOT NULL,\n  "Name" varchar(65535)\n)',
      '<commit>',
    ]);
    expect(sqlOf(plan('createAndLoad', true))).toEqual([
      '<begin>',
      'CREATE TABLE "public"."sales_20260102030405" (\n  "id" bigint NOT NULL,\n  "Name" varchar(65535)\n)',
      '<load sales_20260102030405>',
      '<verifyCount sales_20260102030405>',
      '<commit>',
    ]);
  });

  it('load appends; truncateAndLoad DELETEs (never TRUNCATE, which would commit); dropAndLoad swaps by rename', () => {
    expect(sqlOf(plan('load', true))).toEqual([
      '<begin>',
      '<baseline sales>',
      '<load sales>',
      '<verifyCount sales>',
      '<commit>',
    ]);
    expect(sqlOf(plan('truncateAndLoad', true))).toEqual([
      '<begin>',
      'DELETE FROM "public"."sales"',
      '<load sales>',
      '<verifyCount sales>',
      '<commit>',
    ]);
    expect(sqlOf(plan('dropAndLoad', true))).toEqual([
      '<begin>',
      'CREATE TABLE "public"."jobpub_stg_00000000000040008000000000000001" (\n  "id" bigint NOT NULL,\n  "Name" varchar(65535)\n)',
      '<load jobpub_stg_00000000000040008000000000000001>',
      '<verifyCount jobpub_stg_00000000000040008000000000000001>',
      'DROP TABLE "public"."sales"',
      'ALTER TABLE "public"."jobpub_stg_00000000000040008000000000000001" RENAME TO "sales"',
      '<commit>',
    ]);
    for (const action of Object.keys(ACTIONS) as PublishAction[]) {
      for (const exists of [false, true]) {
        if (action === 'load' && !exists) continue;
        expect(sqlOf(plan(action, exists)).join('\n')).not.toMatch(/TRUNCATE|APPEND/);
      }
    }
  });

  it('columns of an existing table match by name, case-insensitively ("Name" is the column name)', () => {
    expect(plan('load', true).columns.map((c) => c.name)).toEqual(['id', 'name']);
  });

  it('names that fold together, or longer than 127 bytes, are refused by name', () => {
    const twins = () =>
      plan('createAndLoad', false, 'pqt', {
        results: {
          format: 'pqt',
          schema: {
            fields: [
              { name: 'ID', type: t.int(32), nullable: true },
              { name: 'id', type: t.int(32), nullable: true },
            ],
          },
          rowCount: 0,
        },
      });
    expect(twins).toThrow(/columns "ID" and "id" would be one column on redshift/);
    const long = 'x'.repeat(128);
    expect(() => plan('dropAndLoad', false, 'pqt', { table: { namespace: 'public', name: long } })).toThrow(
      /table name "x+" is 128 bytes long; the target allows at most 127/,
    );
    expect(() =>
      plan('dropAndLoad', false, 'pqt', { table: { namespace: 'public', name: 'y'.repeat(127) } }),
    ).not.toThrow();
  });

  it('decimals over 38 digits are refused before any data moves, naming the column', () => {
    let err: JobpubError | undefined;
    try {
      plan('createAndLoad', false, 'pqt', {
        results: {
          format: 'pqt',
          schema: { fields: [{ name: 'big', type: t.decimal(39, 0), nullable: true }] },
          rowCount: 1,
        },
      });
    } catch (e) {
      err = e as JobpubError;
    }
    expect(err?.code).toBe('PUBLISH_UNMAPPABLE');
    expect(err?.message).toContain('column "big" (decimal(39,0)): Redshift DECIMAL holds at most 38 digits');
  });

  it('schema.table overrides the path; the default schema is public', () => {
    expect(target.resolveTable([], 'sales')).toEqual({ namespace: 'public', name: 'sales' });
    expect(target.resolveTable(['dev', 'mart'], 'sales')).toEqual({ namespace: 'mart', name: 'sales' });
    expect(target.resolveTable(['mart'], 'stage.sales')).toEqual({ namespace: 'stage', name: 'sales' });
  });
});

describe('capabilities and type map', () => {
  it('declares what Redshift does', () => {
    expect(RS_CAPABILITIES).toMatchObject({
      transactionalDdl: true,
      atomicMultiRename: false,
      externalStaging: false,
      maxIdentifierBytes: 127,
      identifierCase: 'insensitive',
      maxDecimalPrecision: 38,
      finestTimeUnit: 'us',
      defaultNamespace: 'public',
    });
    expect([...RS_CAPABILITIES.acceptedFormats].sort()).toEqual(['avro', 'csv', 'json', 'pqt']);
  });

  it("maps every logical type as publishing.md's redshift column says", () => {
    const m = (x: Parameters<typeof rsType>[0]) => {
      const r = rsType(x);
      return r.ok ? r.sqlType : `!${r.reason}`;
    };
    expect(
      [
        t.boolean(),
        t.int(8),
        t.int(16),
        t.int(32),
        t.int(64),
        t.int(8, false),
        t.int(16, false),
        t.int(32, false),
        t.int(64, false),
        t.float(),
        t.double(),
        t.decimal(38, 10),
        t.string(),
        t.binary(),
        t.date(),
        t.time('us'),
        t.timestamp('us', true),
        t.timestamp('ms', false),
        t.uuid(),
        t.list(t.int(32)),
        t.struct([]),
        t.map(t.string(), t.int(32)),
      ].map(m),
    ).toEqual([
      'boolean',
      'smallint',
      'smallint',
      'integer',
      'bigint',
      'smallint',
      'integer',
      'bigint',
      'decimal(20,0)',
      'real',
      'double precision',
      'decimal(38,10)',
      'varchar(65535)',
      'varbyte',
      'date',
      'time',
      'timestamptz',
      'timestamp',
      'char(36)',
      'super',
      'super',
      'super',
    ]);
    expect(rsType(t.timestamp('ns', true))).toMatchObject({
      ok: true,
      warning: expect.stringContaining('microseconds'),
    });
  });
});
