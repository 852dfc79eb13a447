-- name: scope_view
-- params: none; reads scope_rows (scope_rows.sql).
--
-- report_rows over the rows read by scope_rows, with the columns of
-- stored_rows in their order. A column that scope_rows does not read is an
-- error when a query uses it, never a silent NULL.
CREATE OR REPLACE TEMP VIEW report_rows AS
SELECT
    event_id,
    CAST(error('event_type is not read by scope_rows.sql: add it there') AS VARCHAR) AS event_type,
    occurred_at,
    ingested_at,
    booking_id,
    booking_date,
    status,
    user_id,
    salon_id,
    employee_id,
    CAST(error('payment_id is not read by scope_rows.sql: add it there') AS BIGINT) AS payment_id,
    CAST(error('service is not read by scope_rows.sql: add it there') AS VARCHAR) AS service,
    amount_cents,
    source_file,
    source_row
FROM scope_rows;
