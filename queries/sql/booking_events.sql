-- name: booking_events
-- params: $1 booking id (BIGINT).
--
-- Every stored row of one booking, redelivered copies included, so that
-- the timeline can show how often each event arrived.
SELECT
    event_id, event_type, occurred_at, ingested_at, booking_id, booking_date,
    status, user_id, salon_id, employee_id, payment_id, service, amount_cents
FROM event_rows
WHERE booking_id = $1
ORDER BY occurred_at, status, event_id, ingested_at;
