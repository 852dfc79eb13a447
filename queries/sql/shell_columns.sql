-- name: shell_columns
-- params: $1 VARCHAR, a table or view name, or NULL for every one
--
-- The columns of the session's tables and views, in their order, for the
-- shell's .schema and its tab completion.
SELECT table_name AS "table", column_name AS "column", data_type AS "type"
FROM duckdb_columns()
WHERE NOT internal
  AND ($1::VARCHAR IS NULL OR table_name = $1::VARCHAR)
ORDER BY table_name, column_index;
