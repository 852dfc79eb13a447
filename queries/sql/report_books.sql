-- name: report_books
-- params: $1 the salon ids that narrow the read of events (BIGINT[]; NULL
--         for every salon of the source); reads events_of (events_view.sql)
--         and report_salons.
--
-- Every booking of the report's salons, at any date, read once: the fields
-- of the bookings view (bookings_view.sql: the latest event by occurred_at,
-- ties by status then event_id; status_since, canceled_at) and, in the same
-- grouped pass, the booking as it stood at two earlier instants, which the
-- like-for-like comparisons of docs/design.md need:
--   week_before_*    the state at R - 7 d (week_ahead.last_week)
--   period_before_*  the state at R - the period's length
--                    (previous.rebooking_rate)
-- A booking that did not exist yet at an instant has NULL there.
--   first_booking_date  booking_date as first booked (prebook_rate looks at
--                       what was booked that day, not where it moved later)
--   created_local       created_at in the salon's wall time
--   canceled_local      canceled_at in the salon's wall time
-- report_scope reads this table rather than the bookings view, so the
-- events are ranked once per run. A booking is a salon's by its latest
-- event, at every instant.
CREATE OR REPLACE TEMP TABLE report_books AS
WITH clock AS (
    SELECT
        any_value(week_before_utc)   AS week_before,
        any_value(period_before_utc) AS period_before
    FROM report_salons
),
ordered AS (
    SELECT
        e.*,
        row_number() OVER booking AS seq,
        lag(e.status) OVER booking AS previous_status,
        e.occurred_at <= c.week_before   AS by_week_before,
        e.occurred_at <= c.period_before AS by_period_before
    FROM events_of($1::BIGINT[]) AS e, clock AS c
    WINDOW booking AS (
        PARTITION BY e.booking_id
        ORDER BY e.occurred_at, e.status, e.event_id
    )
),
per_booking AS (
    SELECT
        booking_id,
        arg_max(salon_id, seq)     AS salon_id,
        arg_max(user_id, seq)      AS user_id,
        arg_max(employee_id, seq)  AS employee_id,
        arg_max(amount_cents, seq) AS amount_cents,
        arg_max(booking_date, seq) AS booking_date,
        arg_max(status, seq)       AS status,
        min(occurred_at)           AS created_at,
        arg_min(booking_date, seq) AS first_booking_date,
        max(occurred_at) FILTER (WHERE previous_status IS DISTINCT FROM status) AS status_since,
        arg_max(status, seq) FILTER (WHERE by_week_before)         AS week_before_status,
        arg_max(booking_date, seq) FILTER (WHERE by_week_before)   AS week_before_date,
        arg_max(status, seq) FILTER (WHERE by_period_before)       AS period_before_status,
        arg_max(booking_date, seq) FILTER (WHERE by_period_before) AS period_before_date
    FROM ordered
    GROUP BY booking_id
),
-- The wall times: timezone() with a zone that differs by row costs about
-- 5 µs a value (ICU looks the zone up each time), so the offset is taken
-- once per salon and UTC day, and a value is shifted by it when the offset
-- is the same at both ends of its day (no transition that day); on a day
-- with a transition, the value is converted itself.
zone_days AS (
    SELECT
        d.salon_id,
        d.day,
        s.time_zone,
        timezone(s.time_zone, CAST(d.day AS TIMESTAMPTZ)) - d.day AS day_offset,
        timezone(s.time_zone, CAST(d.day + INTERVAL 1 DAY AS TIMESTAMPTZ)) - (d.day + INTERVAL 1 DAY) AS next_offset
    FROM (
        SELECT salon_id, date_trunc('day', created_at) AS day FROM per_booking
        UNION
        SELECT salon_id, date_trunc('day', status_since) FROM per_booking WHERE status = 4
    ) AS d
    JOIN report_salons AS s USING (salon_id)
)
SELECT
    b.*,
    CASE WHEN b.status = 4 THEN b.status_since END AS canceled_at,
    CASE
        WHEN cr.day_offset = cr.next_offset THEN b.created_at + cr.day_offset
        ELSE timezone(cr.time_zone, CAST(b.created_at AS TIMESTAMPTZ))
    END AS created_local,
    CASE
        WHEN b.status <> 4 THEN NULL
        WHEN ca.day_offset = ca.next_offset THEN b.status_since + ca.day_offset
        ELSE timezone(ca.time_zone, CAST(b.status_since AS TIMESTAMPTZ))
    END AS canceled_local
FROM per_booking AS b
JOIN zone_days AS cr
  ON cr.salon_id = b.salon_id AND cr.day = date_trunc('day', b.created_at)
LEFT JOIN zone_days AS ca
  ON ca.salon_id = b.salon_id
 AND ca.day = CASE WHEN b.status = 4 THEN date_trunc('day', b.status_since) END;
