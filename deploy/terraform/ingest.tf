# The ingest Lambda (cmd/instudio-ingest): static, no cgo, provided.al2023.
resource "aws_cloudwatch_log_group" "ingest" {
  name              = "/aws/lambda/${local.ingest_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "ingest" {
  function_name    = local.ingest_name
  role             = aws_iam_role.ingest.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.lambda_architecture]
  filename         = var.ingest_zip
  source_code_hash = filebase64sha256(var.ingest_zip)
  memory_size      = var.ingest_memory_mb
  timeout          = var.ingest_timeout_seconds
  environment {
    variables = {
      INSTUDIO_BUCKET            = aws_s3_bucket.data.id
      INSTUDIO_PREFIX            = "${local.bookings_prefix}/"
      INSTUDIO_REJECTED_PREFIX   = "${local.rejected_prefix}/"
      INSTUDIO_METRICS_NAMESPACE = var.metrics_namespace
      INSTUDIO_TIMEZONE          = var.timezone
    }
  }
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.ingest.name
  }
}

# ReportBatchItemFailures: ingest names the messages it could not store,
# and SQS redelivers only those (cmd/instudio-ingest/handler.go).
resource "aws_lambda_event_source_mapping" "sqs" {
  function_name                      = aws_lambda_function.ingest.arn
  event_source_arn                   = aws_sqs_queue.bookings.arn
  batch_size                         = var.sqs_batch_size
  maximum_batching_window_in_seconds = var.sqs_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]
  scaling_config {
    maximum_concurrency = var.sqs_max_concurrency
  }
}

# Kafka: ingest fails the whole batch when a record is not stored, so the
# mapping retries it; the files already written keep their names.
resource "aws_lambda_event_source_mapping" "msk" {
  count             = var.kafka_source == "msk" ? 1 : 0
  function_name     = aws_lambda_function.ingest.arn
  event_source_arn  = var.msk_cluster_arn
  topics            = [var.kafka_topic]
  starting_position = "TRIM_HORIZON"
  batch_size        = var.sqs_batch_size
}

resource "aws_lambda_event_source_mapping" "self_managed_kafka" {
  count             = var.kafka_source == "self_managed" ? 1 : 0
  function_name     = aws_lambda_function.ingest.arn
  topics            = [var.kafka_topic]
  starting_position = "TRIM_HORIZON"
  batch_size        = var.sqs_batch_size
  self_managed_event_source {
    endpoints = {
      KAFKA_BOOTSTRAP_SERVERS = join(",", var.kafka_bootstrap_servers)
    }
  }
  source_access_configuration {
    type = "SASL_SCRAM_512_AUTH"
    uri  = var.kafka_secret_arn
  }
  dynamic "source_access_configuration" {
    for_each = var.kafka_subnet_ids
    content {
      type = "VPC_SUBNET"
      uri  = "subnet:${source_access_configuration.value}"
    }
  }
  dynamic "source_access_configuration" {
    for_each = var.kafka_security_group_id != "" ? [var.kafka_security_group_id] : []
    content {
      type = "VPC_SECURITY_GROUP"
      uri  = "security_group:${source_access_configuration.value}"
    }
  }
}
