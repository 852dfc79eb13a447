-- name: shell_has_table
-- params: $1 VARCHAR, a table or view name
--
-- Whether the session has a table or view of that name (DuckDB's own
-- catalog views not counted), for the shell to tell a helpful "Did you
-- mean" from one that points at DuckDB's pg_catalog.
SELECT count(*) > 0
FROM (
    SELECT view_name AS name FROM duckdb_views() WHERE NOT internal
    UNION ALL
    SELECT table_name FROM duckdb_tables() WHERE NOT internal
)
WHERE name = $1::VARCHAR;
