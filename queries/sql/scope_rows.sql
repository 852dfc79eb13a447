-- name: scope_rows
-- params: $1 salon ids (BIGINT[]); reads scoped_rows (events_view.sql) while
--         report_rows is stored_rows.
--
-- Every stored row of the bookings that ever had a row at one of the salons
-- (so a booking that moved between salons keeps all its events), read from
-- the files once per report run. A salon's bookings are a small part of the
-- source, and the report's queries then read this table (through
-- scope_view.sql) instead of the files.
--
-- Only the columns that the report's queries read are read: DuckDB decodes
-- every projected column of every row of the files, whatever the join
-- filter keeps, so each column costs (at 10M events, all 15 columns take
-- 3.4 s of CPU, these 12 take 2.8 s). A metric that needs another column
-- adds it here and in scope_view.sql; until then, it fails with a message
-- that says so.
CREATE OR REPLACE TEMP TABLE scope_rows AS
SELECT
    event_id, occurred_at, ingested_at, booking_id, booking_date, status,
    user_id, salon_id, employee_id, amount_cents, source_file, source_row
FROM scoped_rows($1::BIGINT[]);
