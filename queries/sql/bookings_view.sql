-- name: bookings_view
-- params: none; reads the event_rows view.
--
-- One row per booking: the fields of its latest event (by occurred_at; on a
-- tie the higher status wins, then the higher event_id so the result never
-- depends on file order), plus:
--   created_at    occurred_at of its first event
--   status_since  when it entered its latest status: the last event whose
--                 status differs from the event before it
--   canceled_at   status_since when the booking is canceled, else NULL: the
--                 time of the canceling event, even if it was canceled once
--                 before, reinstated and canceled again
--   completed_at  likewise for completed
--
-- It reads event_rows, not the deduplicated events: a redelivered copy is
-- the same event, and every aggregate here gives the same answer with or
-- without it (a copy is never a status change, and it ties with itself),
-- so the cost of deduplication is paid only by those who query events.
CREATE OR REPLACE TEMP VIEW bookings AS
WITH ordered AS (
    SELECT
        *,
        lag(status) OVER (
            PARTITION BY booking_id
            ORDER BY occurred_at, status, event_id
        ) AS previous_status
    FROM event_rows
),
per_booking AS (
    SELECT
        booking_id,
        arg_max(ordered, (occurred_at, status, event_id)) AS latest,
        min(occurred_at) AS created_at,
        max(occurred_at) FILTER (WHERE previous_status IS DISTINCT FROM status) AS status_since,
        count(DISTINCT event_id) AS event_count
    FROM ordered
    GROUP BY booking_id
)
SELECT
    booking_id,
    latest.salon_id      AS salon_id,
    latest.user_id       AS user_id,
    latest.employee_id   AS employee_id,
    latest.payment_id    AS payment_id,
    latest.service       AS service,
    latest.amount_cents  AS amount_cents,
    latest.booking_date  AS booking_date,
    latest.status        AS status,
    latest.event_type    AS last_event_type,
    latest.occurred_at   AS updated_at,
    created_at,
    status_since,
    CASE WHEN latest.status = 4 THEN status_since END AS canceled_at,
    CASE WHEN latest.status = 3 THEN status_since END AS completed_at,
    event_count
FROM per_booking;
