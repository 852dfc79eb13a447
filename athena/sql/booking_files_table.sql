-- name: booking_files_table
-- params: database, location (s3://bucket/prefix/bookings/, with
--         the trailing slash), projection_start (yyyy-MM-dd), each written
--         in double braces below and filled in by athena.Statements from checked values.
--
-- The Parquet files of the layout as they are (docs/design.md, "Storage"),
-- one row per stored row, copies and contract breaks included. dt is the
-- partition of the file, projected from the key (no crawler, no MSCK
-- REPAIR): every day from projection_start to today is a partition, and a
-- query with a dt condition reads only those days' keys. Terraform creates
-- the same table as an aws_glue_catalog_table (deploy/terraform/athena.tf);
-- deploy's plan test checks that the two name the same columns and types.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.booking_files (
    event_id     string,
    event_type   string,
    occurred_at  timestamp,
    ingested_at  timestamp,
    booking_id   bigint,
    booking_date timestamp,
    status       int,
    user_id      bigint,
    salon_id     bigint,
    employee_id  bigint,
    payment_id   bigint,
    service      string,
    amount_cents bigint
)
PARTITIONED BY (dt date)
STORED AS PARQUET
LOCATION '{{location}}'
TBLPROPERTIES (
    'projection.enabled'          = 'true',
    'projection.dt.type'          = 'date',
    'projection.dt.format'        = 'yyyy-MM-dd',
    'projection.dt.range'         = '{{projection_start}},NOW',
    'projection.dt.interval'      = '1',
    'projection.dt.interval.unit' = 'DAYS',
    'storage.location.template'   = '{{location}}dt=${dt}/',
    'parquet.compression'         = 'ZSTD'
);
