SELECT pg_backend_pid() AS pid;

SELECT table_name AS name FROM information_schema.tables WHERE lower(table_schema) = lower(COALESCE($1, current_schema())) ORDER BY 1;

SELECT c.column_name AS name, c.data_type, c.domain_name, c.character_maximum_length AS len,
  c.numeric_precision AS prec, c.numeric_scale AS scale, c.is_nullable, c.column_default
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE lower(c.table_schema) = lower(COALESCE($1, current_schema())) AND lower(c.table_name) = lower($2) AND t.table_type = 'BASE TABLE'
ORDER BY c.ordinal_position;

SELECT table_name AS name FROM information_schema.tables WHERE lower(table_schema) = lower(COALESCE($1, current_schema())) ORDER BY 1;

BEGIN;

CREATE TABLE "<schema>"."c_20260102030405" (
  "doc" super,
  "items" super,
  "matrix" super,
  "empty" super,
  "nothing" varchar(65535),
  "blank" varchar(65535) NOT NULL
);

COMMIT;
