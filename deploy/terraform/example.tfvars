# terraform plan -var-file=example.tfvars
region                  = "us-east-1"
name                    = "instudio"
timezone                = "America/Lima"
rejected_retention_days = 90
alarm_email             = "ops@example.com"

sqs_batch_size              = 1000
sqs_batching_window_seconds = 10
sqs_max_concurrency         = 10

# An HTTP route in front of ingest, signed with SigV4 (or "jwt" with
# jwt_issuer and jwt_audience).
http_api  = true
http_auth = "iam"

# MSK as a second source:
# kafka_source    = "msk"
# msk_cluster_arn = "arn:aws:kafka:us-east-1:123456789012:cluster/bookings/abcd"

config_s3_key     = "config/instudio-report.yaml"
send_at_per_salon = true
check_max_lag     = "2h"

athena_bytes_scanned_cutoff = 107374182400
athena_projection_start     = "2024-01-01"
