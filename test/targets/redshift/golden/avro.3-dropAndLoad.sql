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
  "id" bigint NOT NULL,
  "items" super NOT NULL,
  "maybe_items" super,
  "matrix" super NOT NULL,
  "by_day" super NOT NULL,
  "list_of_maps" super,
  "deep" super
);

CREATE TEMP TABLE "jobpub_copy_00000000000040008000000000000003" (
  "id" bigint,
  "items" super,
  "maybe_items" super,
  "matrix" super,
  "by_day" super,
  "list_of_maps" super,
  "deep" super
);

COPY "jobpub_copy_00000000000040008000000000000003"
FROM 's3://<bucket>/staging/jobpub_stg_00000000000040008000000000000003/manifest.json'
IAM_ROLE 'arn:aws:iam::123456789012:role/jobpub-copy'
FORMAT AS AVRO 'auto ignorecase'
MANIFEST;

SELECT count(*) AS n FROM "jobpub_copy_00000000000040008000000000000003";

INSERT INTO "<schema>"."t" ("id", "items", "maybe_items", "matrix", "by_day", "list_of_maps", "deep") SELECT "id", "items", "maybe_items", "matrix", "by_day", "list_of_maps", "deep" FROM "jobpub_copy_00000000000040008000000000000003";

DROP TABLE "jobpub_copy_00000000000040008000000000000003";

SELECT count(*) AS n FROM "<schema>"."t";

COMMIT;
