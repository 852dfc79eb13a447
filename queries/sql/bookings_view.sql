-- name: bookings_view
-- params: none; reads the events_of macro (events_view.sql).
--
-- bookings_of(salon_ids) is one row per booking: the fields of its latest
-- event (by occurred_at; on a tie the higher status wins, then the higher
-- event_id so the result never depends on file order), plus:
--   created_at    occurred_at of its first event
--   status_since  when it entered its latest status: the last event whose
--                 status differs from the event before it
--   canceled_at   status_since when the booking is canceled, else NULL: the
--                 time of the canceling event, even if it was canceled once
--                 before, reinstated and canceled again
--   completed_at  likewise for completed
--
-- With a list of salon ids it reads only the events of bookings that ever
-- had an event at one of those salons (a superset of the bookings whose
-- latest event is there, which the caller then picks by salon_id), so a
-- report on one salon does not rank every event of the platform. NULL means
-- every booking; the bookings view is that.
--
-- It reads events_of(salon_ids): every valid event once, the same copy
-- that the events view holds, with --as-of applied. The latest event's
-- fields are taken one arg_max each: much cheaper than one arg_max of the
-- whole row.
CREATE OR REPLACE TEMP MACRO bookings_of(salon_ids) AS TABLE
WITH ordered AS (
    SELECT
        *,
        (occurred_at, status, event_id) AS rank_key,
        lag(status) OVER (
            PARTITION BY booking_id
            ORDER BY occurred_at, status, event_id
        ) AS previous_status
    FROM events_of(salon_ids)
),
per_booking AS (
    SELECT
        booking_id,
        arg_max(salon_id, rank_key)     AS salon_id,
        arg_max(user_id, rank_key)      AS user_id,
        arg_max(employee_id, rank_key)  AS employee_id,
        arg_max(payment_id, rank_key)   AS payment_id,
        arg_max(service, rank_key)      AS service,
        arg_max(amount_cents, rank_key) AS amount_cents,
        arg_max(booking_date, rank_key) AS booking_date,
        arg_max(status, rank_key)       AS status,
        arg_max(event_type, rank_key)   AS last_event_type,
        max(occurred_at)                AS updated_at,
        min(occurred_at)                AS created_at,
        max(occurred_at) FILTER (WHERE previous_status IS DISTINCT FROM status) AS status_since,
        count(*)                        AS event_count
    FROM ordered
    GROUP BY booking_id
)
SELECT
    booking_id,
    salon_id,
    user_id,
    employee_id,
    payment_id,
    service,
    amount_cents,
    booking_date,
    status,
    last_event_type,
    updated_at,
    created_at,
    status_since,
    CASE WHEN status = 4 THEN status_since END AS canceled_at,
    CASE WHEN status = 3 THEN status_since END AS completed_at,
    event_count
FROM per_booking;

CREATE OR REPLACE TEMP VIEW bookings AS
SELECT * FROM bookings_of(NULL);
