# Athena over the layout: a Glue table over bookings/ with partition
# projection on dt, the events and bookings views (athena/sql/, the same
# text `instudio-report athena-sql` prints), and a workgroup that stops any
# query scanning more than athena_bytes_scanned_cutoff.
locals {
  athena_db      = replace("${var.name}_bookings", "-", "_")
  bookings_uri   = "s3://${local.bucket}/${local.bookings_prefix}/"
  athena_sql_dir = "${path.module}/../../athena/sql"
  athena_columns = [for c in local.athena_columns_src : { name = c[0], type = c[1] }]
  athena_columns_src = [
    ["event_id", "string"], ["event_type", "string"], ["occurred_at", "timestamp"],
    ["ingested_at", "timestamp"], ["booking_id", "bigint"], ["booking_date", "timestamp"],
    ["status", "int"], ["user_id", "bigint"], ["salon_id", "bigint"], ["employee_id", "bigint"],
    ["payment_id", "bigint"], ["service", "string"], ["amount_cents", "bigint"],
  ]
  # The views' SELECT, their header comments dropped as athena.ViewBody does.
  view_sql = {
    for v in ["events", "bookings"] : v => trimspace(join("\n", [
      for l in split("\n", file("${local.athena_sql_dir}/${v}_view.sql")) : l if !startswith(l, "--")
    ]))
  }
  view_columns = {
    events = local.athena_columns
    bookings = concat(
      [for c in local.athena_columns : c if !contains(["event_id", "event_type", "occurred_at", "ingested_at"], c.name)],
      [
        { name = "last_event_type", type = "string" }, { name = "updated_at", type = "timestamp" },
        { name = "created_at", type = "timestamp" }, { name = "status_since", type = "timestamp" },
        { name = "canceled_at", type = "timestamp" }, { name = "completed_at", type = "timestamp" },
        { name = "event_count", type = "bigint" },
      ],
    )
  }
}

resource "aws_glue_catalog_database" "bookings" {
  name        = local.athena_db
  description = "instudio-report's booking events (docs/design.md)"
}

resource "aws_glue_catalog_table" "booking_files" {
  database_name = aws_glue_catalog_database.bookings.name
  name          = "booking_files"
  table_type    = "EXTERNAL_TABLE"
  parameters = {
    EXTERNAL                      = "TRUE"
    classification                = "parquet"
    "parquet.compression"         = "ZSTD"
    "projection.enabled"          = "true"
    "projection.dt.type"          = "date"
    "projection.dt.format"        = "yyyy-MM-dd"
    "projection.dt.range"         = "${var.athena_projection_start},NOW"
    "projection.dt.interval"      = "1"
    "projection.dt.interval.unit" = "DAYS"
    "storage.location.template"   = "${local.bookings_uri}dt=$${dt}/"
  }
  partition_keys {
    name = "dt"
    type = "date"
  }
  storage_descriptor {
    location      = local.bookings_uri
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters            = { "serialization.format" = "1" }
    }
    dynamic "columns" {
      for_each = local.athena_columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}

# An Athena view in Glue is a VIRTUAL_VIEW whose original text is the
# base64 of Trino's view definition; Athena reads it as if CREATE VIEW had
# made it.
resource "aws_glue_catalog_table" "view" {
  for_each      = local.view_sql
  database_name = aws_glue_catalog_database.bookings.name
  name          = each.key
  table_type    = "VIRTUAL_VIEW"
  parameters = {
    presto_view = "true"
    comment     = "Presto View"
  }
  view_original_text = "/* Presto View: ${base64encode(jsonencode({
    originalSql = each.value
    catalog     = "awsdatacatalog"
    schema      = local.athena_db
    columns     = local.view_columns[each.key]
  }))} */"
  view_expanded_text = "/* Presto View */"
  storage_descriptor {
    dynamic "columns" {
      for_each = local.view_columns[each.key]
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
  depends_on = [aws_glue_catalog_table.booking_files]
}

resource "aws_athena_workgroup" "analysts" {
  name          = "${var.name}-analysts"
  force_destroy = true
  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff
    engine_version {
      selected_engine_version = "Athena engine version 3"
    }
    result_configuration {
      output_location = "s3://${local.bucket}/athena-results/"
      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}
