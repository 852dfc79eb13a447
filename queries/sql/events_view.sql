-- name: events_view
-- params: none; reads the session variables instudio_files (VARCHAR[], the
--         Parquet files of the source) and instudio_as_of (TIMESTAMP or NULL).
--
-- Two views. event_rows is every stored row, typed as DESIGN.md says:
-- producers differ in how they encode timestamps (UTC-adjusted or not,
-- ms/µs/ns), the casts make them one type, and the session's TimeZone=UTC
-- makes TIMESTAMPTZ read as UTC wall time. With --as-of, later events are
-- left out. events is every event once: a redelivered event (same event_id)
-- counts once, its first copy.
CREATE OR REPLACE TEMP VIEW event_rows AS
SELECT *
FROM (
    SELECT
        CAST(event_id     AS VARCHAR)   AS event_id,
        CAST(event_type   AS VARCHAR)   AS event_type,
        CAST(occurred_at  AS TIMESTAMP) AS occurred_at,
        CAST(ingested_at  AS TIMESTAMP) AS ingested_at,
        CAST(booking_id   AS BIGINT)    AS booking_id,
        CAST(booking_date AS TIMESTAMP) AS booking_date,
        CAST(status       AS INTEGER)   AS status,
        CAST(user_id      AS BIGINT)    AS user_id,
        CAST(salon_id     AS BIGINT)    AS salon_id,
        CAST(employee_id  AS BIGINT)    AS employee_id,
        CAST(payment_id   AS BIGINT)    AS payment_id,
        CAST(service      AS VARCHAR)   AS service,
        CAST(amount_cents AS BIGINT)    AS amount_cents
    FROM read_parquet(getvariable('instudio_files'))
)
WHERE getvariable('instudio_as_of') IS NULL
   OR occurred_at <= getvariable('instudio_as_of');

CREATE OR REPLACE TEMP VIEW events AS
SELECT *
FROM event_rows
QUALIFY row_number() OVER (
    PARTITION BY event_id
    ORDER BY ingested_at, occurred_at, booking_id, status
) = 1;
