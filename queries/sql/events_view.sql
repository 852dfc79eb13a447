-- name: events_view
-- params: none; reads the session variables instudio_files (VARCHAR[], the
--         Parquet files of the source) and instudio_as_of (TIMESTAMP or NULL).
--
-- Every event once, typed as DESIGN.md says. Producers differ in how they
-- encode timestamps (UTC-adjusted or not, s/ms/µs): the casts make them one
-- type, and the session's TimeZone=UTC makes TIMESTAMPTZ read as UTC wall
-- time. A redelivered event (same event_id) counts once, its first copy.
CREATE OR REPLACE TEMP VIEW events AS
WITH raw AS (
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
SELECT *
FROM raw
WHERE getvariable('instudio_as_of') IS NULL
   OR occurred_at <= getvariable('instudio_as_of')
QUALIFY row_number() OVER (
    PARTITION BY event_id
    ORDER BY ingested_at, occurred_at, booking_id, status
) = 1;
