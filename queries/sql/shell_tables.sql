-- name: shell_tables
-- params: none
--
-- The tables and views of the session that a user can query, for the
-- shell's .tables: DuckDB's own catalog views are left out, and so are
-- stored_rows and report_rows, the steps that the events view is built on
-- (events_view.sql), which say nothing that events and event_rows do not.
SELECT name, kind
FROM (
    SELECT view_name AS name, 'view' AS kind FROM duckdb_views() WHERE NOT internal
    UNION ALL
    SELECT table_name, 'table' FROM duckdb_tables() WHERE NOT internal
)
WHERE name NOT IN ('stored_rows', 'report_rows')
ORDER BY name;
