SELECT pg_backend_pid() AS pid;

SELECT table_name AS name FROM information_schema.tables WHERE lower(table_schema) = lower(COALESCE($1, current_schema())) ORDER BY 1;

SELECT c.column_name AS name, c.data_type, c.domain_name, c.character_maximum_length AS len,
  c.numeric_precision AS prec, c.numeric_scale AS scale, c.is_nullable, c.column_default
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE lower(c.table_schema) = lower(COALESCE($1, current_schema())) AND lower(c.table_name) = lower($2) AND t.table_type = 'BASE TABLE'
ORDER BY c.ordinal_position;

BEGIN;

CREATE TABLE "<schema>"."jobpub_stg_00000000000040008000000000000006" (
  "flag" boolean,
  "id" bigint NOT NULL,
  "amount" decimal(6,2),
  "ratio" double precision NOT NULL,
  "day" date,
  "at" timestamp,
  "name" varchar(65535)
);

CREATE TEMP TABLE "jobpub_copy_00000000000040008000000000000006" (
  "flag" boolean,
  "id" bigint,
  "amount" decimal(6,2),
  "ratio" double precision,
  "day" date,
  "at" timestamp,
  "name" varchar(65535)
);

COPY "jobpub_copy_00000000000040008000000000000006"
FROM 's3://<bucket>/staging/jobpub_stg_00000000000040008000000000000006/manifest.json'
IAM_ROLE 'arn:aws:iam::123456789012:role/jobpub-copy'
FORMAT AS CSV IGNOREHEADER 1 EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'
MANIFEST;

SELECT count(*) AS n FROM "jobpub_copy_00000000000040008000000000000006";

INSERT INTO "<schema>"."jobpub_stg_00000000000040008000000000000006" ("flag", "id", "amount", "ratio", "day", "at", "name") SELECT "flag", "id", "amount", "ratio", "day", "at", "name" FROM "jobpub_copy_00000000000040008000000000000006";

DROP TABLE "jobpub_copy_00000000000040008000000000000006";

SELECT count(*) AS n FROM "<schema>"."jobpub_stg_00000000000040008000000000000006";

DROP TABLE "<schema>"."t";

ALTER TABLE "<schema>"."jobpub_stg_00000000000040008000000000000006" RENAME TO "t";

COMMIT;
