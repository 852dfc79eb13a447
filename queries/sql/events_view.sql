-- name: events_view
-- params: none; reads the session variables instudio_files (VARCHAR[], the
--         Parquet files of the source, sorted by name) and instudio_as_of
--         (TIMESTAMP or NULL); instudio_scope_files is read by scope_rows.sql.
--
-- stored_rows is every stored row, typed as docs/design.md says: producers differ
-- in how they encode ids (INT32 or INT64) and timestamps (UTC-adjusted or
-- not, ms/µs/ns); the casts make them one type, and the session's
-- TimeZone=UTC makes TIMESTAMPTZ read as UTC wall time. Each row keeps the
-- file and the row number it came from, so that copies of one event can be
-- told apart.
--
-- rows_of(files) is the same over some of the files only: a report on a
-- few salons reads the files a moves index does not rule out
-- (instudio_scope_files, set by queries.DB; scope_rows.sql).
--
-- breaks_contract says why a row breaks docs/design.md's contract (NULL when it
-- does not): such rows are left out of every view, and counted by
-- contract_breaks.
--
-- events_of(salon_ids) is every valid event once, of the bookings that ever
-- had a row at one of those salons (NULL: every booking). Copies of one
-- event_id are resolved by docs/design.md's rule: the copy with the earliest
-- ingested_at, on a tie the one in the first file by name (then the first
-- row of that file). The winner is chosen before --as-of applies, so an
-- as-of point never changes which copy of an event is true. Scoping by
-- booking first keeps a one-salon report from ranking every event of the
-- platform; a copy with a different booking_id outside the scope is not
-- seen, which only matters for a producer that reuses event ids across
-- bookings.
-- utc_wall_time(ts) is CAST(ts AS TIMESTAMP) for a TIMESTAMPTZ in the
-- session's UTC, without the cast: that one goes through ICU and costs about
-- 0.35 µs a value, a third of a `salons` report's reading of the files at
-- 1M events (bench/NOTES.md). The microseconds since the epoch are the UTC
-- wall time; infinities, which make_timestamp cannot hold, take the cast.
CREATE OR REPLACE TEMP MACRO utc_wall_time(ts) AS
    CASE
        WHEN isfinite(CAST(ts AS TIMESTAMPTZ)) THEN make_timestamp(epoch_us(CAST(ts AS TIMESTAMPTZ)))
        ELSE CAST(CAST(ts AS TIMESTAMPTZ) AS TIMESTAMP)
    END;

CREATE OR REPLACE TEMP MACRO rows_of(files) AS TABLE
SELECT
    CAST(event_id     AS VARCHAR)   AS event_id,
    CAST(event_type   AS VARCHAR)   AS event_type,
    utc_wall_time(occurred_at)      AS occurred_at,
    utc_wall_time(ingested_at)      AS ingested_at,
    CAST(booking_id   AS BIGINT)    AS booking_id,
    CAST(booking_date AS TIMESTAMP) AS booking_date,
    CAST(status       AS INTEGER)   AS status,
    CAST(user_id      AS BIGINT)    AS user_id,
    CAST(salon_id     AS BIGINT)    AS salon_id,
    CAST(employee_id  AS BIGINT)    AS employee_id,
    CAST(payment_id   AS BIGINT)    AS payment_id,
    CAST(service      AS VARCHAR)   AS service,
    CAST(amount_cents AS BIGINT)    AS amount_cents,
    filename                        AS source_file,
    file_row_number                 AS source_row
FROM read_parquet(files, file_row_number = true);

CREATE OR REPLACE TEMP VIEW stored_rows AS
SELECT * FROM rows_of(getvariable('instudio_files'));

CREATE OR REPLACE TEMP MACRO breaks_contract(event_id, occurred_at, ingested_at, booking_id, salon_id, booking_date, status) AS
    CASE
        WHEN event_id IS NULL THEN 'event_id is null'
        WHEN occurred_at IS NULL THEN 'occurred_at is null'
        WHEN ingested_at IS NULL THEN 'ingested_at is null'
        WHEN booking_id IS NULL THEN 'booking_id is null'
        WHEN booking_id <= 0 THEN 'booking_id is not positive'
        WHEN salon_id IS NULL THEN 'salon_id is null'
        WHEN salon_id <= 0 THEN 'salon_id is not positive'
        WHEN booking_date IS NULL THEN 'booking_date is null'
        WHEN status IS NULL THEN 'status is null'
        WHEN status NOT BETWEEN 1 AND 5 THEN 'status ' || status || ' is outside 1..5'
    END;

-- report_rows is what scoped_rows reads for a list of salons: stored_rows,
-- or, during a report run, the temporary table scope_rows into which
-- queries.DB read those salons' bookings once (scope_rows.sql), so that the
-- report's queries and its contract check do not read the files again.
-- Every booking is always read from stored_rows.
CREATE OR REPLACE TEMP VIEW report_rows AS
SELECT * FROM stored_rows;

CREATE OR REPLACE TEMP MACRO scoped_rows(salon_ids) AS TABLE
SELECT *
FROM stored_rows
WHERE salon_ids IS NULL
UNION ALL
SELECT *
FROM report_rows
WHERE salon_ids IS NOT NULL
  AND (booking_id IN (
        SELECT booking_id FROM report_rows WHERE list_contains(salon_ids, salon_id)
      )
      -- A row without a booking_id at one of the salons belongs to no
      -- booking: breaks_contract leaves it out, contract_breaks counts it.
      OR (booking_id IS NULL AND list_contains(salon_ids, salon_id)));

-- The validity test sits above the window on purpose: placed in the scan's
-- WHERE it makes DuckDB build its hash table on every row of the source
-- instead of the salon's booking ids (about 3x slower). Invalid copies sort
-- last, so an invalid copy never hides a valid one.
CREATE OR REPLACE TEMP MACRO events_of(salon_ids) AS TABLE
SELECT * EXCLUDE (source_row, invalid, copy_rank)
FROM (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY event_id
            ORDER BY invalid IS NOT NULL, ingested_at, source_file, source_row
        ) AS copy_rank
    FROM (
        SELECT
            *,
            breaks_contract(event_id, occurred_at, ingested_at, booking_id, salon_id, booking_date, status) AS invalid
        FROM scoped_rows(salon_ids)
    )
)
WHERE copy_rank = 1
  AND invalid IS NULL
  AND (getvariable('instudio_as_of') IS NULL OR occurred_at <= getvariable('instudio_as_of'));

-- contract_breaks(salon_ids) counts the rows that the views leave out, with
-- the first file (by name) that holds one and why, over the same scope.
CREATE OR REPLACE TEMP MACRO contract_breaks(salon_ids) AS TABLE
SELECT
    count(*)                      AS rows_left_out,
    min(source_file)              AS first_file,
    arg_min(invalid, (source_file, source_row)) AS first_reason
FROM (
    SELECT
        source_file,
        source_row,
        breaks_contract(event_id, occurred_at, ingested_at, booking_id, salon_id, booking_date, status) AS invalid
    FROM scoped_rows(salon_ids)
)
WHERE invalid IS NOT NULL;

-- event_rows is every stored row as it is, redelivered copies and rows that
-- break the contract included (with --as-of, later ones left out), with the
-- file it came from: what the booking timeline shows, and what an analyst
-- looks at to see how often an event arrived.
CREATE OR REPLACE TEMP VIEW event_rows AS
SELECT * EXCLUDE (source_row)
FROM stored_rows
WHERE getvariable('instudio_as_of') IS NULL
   OR occurred_at <= getvariable('instudio_as_of');

CREATE OR REPLACE TEMP VIEW events AS
SELECT * EXCLUDE (source_file) FROM events_of(NULL);
