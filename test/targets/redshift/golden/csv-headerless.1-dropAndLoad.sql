SELECT pg_backend_pid() AS pid;

SELECT table_name AS name FROM information_schema.tables WHERE lower(table_schema) = lower(COALESCE($1, current_schema())) ORDER BY 1;

SELECT c.column_name AS name, c.data_type, c.domain_name, c.character_maximum_length AS len,
  c.numeric_precision AS prec, c.numeric_scale AS scale, c.is_nullable, c.column_default
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE lower(c.table_schema) = lower(COALESCE($1, current_schema())) AND lower(c.table_name) = lower($2) AND t.table_type = 'BASE TABLE'
ORDER BY c.ordinal_position;

BEGIN;

CREATE TABLE "<schema>"."t" (
  "col1" bigint NOT NULL,
  "col2" varchar(65535),
  "col3" varchar(65535) NOT NULL
);

CREATE TEMP TABLE "jobpub_copy_00000000000040008000000000000001" (
  "col1" bigint,
  "col2" varchar(65535),
  "col3" varchar(65535)
);

COPY "jobpub_copy_00000000000040008000000000000001"
FROM 's3://<bucket>/staging/jobpub_stg_00000000000040008000000000000001/manifest.json'
IAM_ROLE 'arn:aws:iam::123456789012:role/jobpub-copy'
FORMAT AS CSV DELIMITER AS ';' EMPTYASNULL DATEFORMAT 'auto' TIMEFORMAT 'auto'
MANIFEST;

SELECT count(*) AS n FROM "jobpub_copy_00000000000040008000000000000001";

INSERT INTO "<schema>"."t" ("col1", "col2", "col3") SELECT "col1", "col2", "col3" FROM "jobpub_copy_00000000000040008000000000000001";

DROP TABLE "jobpub_copy_00000000000040008000000000000001";

SELECT count(*) AS n FROM "<schema>"."t";

COMMIT;
