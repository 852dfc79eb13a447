-- name: shell_tables
-- params: none
--
-- The tables and views of the session that a user can query, for the
-- shell's .tables and its tab completion: DuckDB's own catalog views are
-- left out.
SELECT name, kind
FROM (
    SELECT view_name AS name, 'view' AS kind FROM duckdb_views() WHERE NOT internal
    UNION ALL
    SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal
)
ORDER BY name;
