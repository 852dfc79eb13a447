-- name: scope_rows
-- params: $1 salon ids (BIGINT[]); reads rows_of (events_view.sql) over the
--         session variable instudio_scope_files: every file, or those that
--         a moves index does not rule out for these salons (queries/moves.go).
--
-- The first of the three steps that read the rows of a report's bookings
-- from the files once per report run (see DB.scope): every stored row at
-- one of the salons. scope_moved_ids and scope_moved_rows then add the rows
-- that the same bookings have at other salons (a booking that moved keeps
-- all its events). The report's queries then read this table (through
-- scope_view.sql) instead of the files.
--
-- The filter is on salon_id itself, not on booking_id: compacted files are sorted
-- by salon_id, so the reader skips every row group of the other salons
-- (at 10M compacted events this read takes 0.06 s, against 2.4 s for the
-- semi-join on booking_id it replaces, whose row groups cannot be skipped
-- because booking ids are one platform-wide sequence). A row without a
-- booking_id belongs to no booking, but it names one of these salons: it is
-- read so that contract_breaks counts it among the rows left out of their
-- report (the views leave it out; an IN over booking_id never matches it).
--
-- Only the columns that the report's queries read are read: DuckDB decodes
-- every projected column of every row it keeps, so each column costs. A
-- metric that needs another column adds it here, in scope_moved_rows.sql and
-- in scope_view.sql; until then, it fails with a message that says so.
CREATE OR REPLACE TEMP TABLE scope_rows AS
SELECT
    event_id, occurred_at, ingested_at, booking_id, booking_date, status,
    user_id, salon_id, employee_id, amount_cents, source_file, source_row
FROM rows_of(getvariable('instudio_scope_files'))
WHERE salon_id IN (SELECT unnest($1::BIGINT[]));
