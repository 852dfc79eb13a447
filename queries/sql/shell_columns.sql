-- name: shell_columns
-- params: $1 VARCHAR, a table or view name, or NULL for every one
--
-- The columns of the session's tables and views, in their order, for the
-- shell's .schema and its tab completion. As in shell_tables, stored_rows
-- and report_rows (the steps of the events view) are left out of the
-- list of every one.
SELECT table_name AS "table", column_name AS "column", data_type AS "type"
FROM duckdb_columns()
WHERE NOT internal
  AND ($1::VARCHAR IS NULL AND table_name NOT IN ('stored_rows', 'report_rows')
       OR table_name = $1::VARCHAR)
ORDER BY table_name, column_index;
