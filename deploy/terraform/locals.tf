data "aws_caller_identity" "current" {
  count = var.account_id == "" ? 1 : 0
}

locals {
  account_id = var.account_id != "" ? var.account_id : data.aws_caller_identity.current[0].account_id
  bucket     = var.bucket_name != "" ? var.bucket_name : aws_s3_bucket.data.id
  # ARNs built from names, not read from the resources, so that the
  # policies are whole in a plan (the provider knows a resource's ARN only
  # after it exists). The commercial partition is assumed.
  bucket_arn        = "arn:aws:s3:::${local.bucket}"
  queue_arn         = "arn:aws:sqs:${var.region}:${local.account_id}:${var.name}-bookings"
  ingest_log_arn    = "arn:aws:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.ingest_name}"
  jobs_log_arn      = "arn:aws:logs:${var.region}:${local.account_id}:log-group:/aws/lambda/${local.jobs_name}"
  jobs_function_arn = "arn:aws:lambda:${var.region}:${local.account_id}:function:${local.jobs_name}"
  smtp_secret_arn   = "arn:aws:secretsmanager:${var.region}:${local.account_id}:secret:${var.name}/smtp-password-??????"
  config_ssm_arn    = "arn:aws:ssm:${var.region}:${local.account_id}:parameter/${trimprefix(var.config_ssm_parameter, "/")}"
  bookings_prefix   = "bookings"
  rejected_prefix   = "bookings-rejected"
  ledger_prefix     = "ledger"
  ingest_name       = "${var.name}-ingest"
  jobs_name         = "${var.name}-jobs"
  # The ingest sources whose silence and rejections are alarmed and drawn.
  ingest_sources = concat(["sqs"], var.kafka_source != "" ? ["kafka"] : [], var.http_api ? ["http"] : [])
  # The jobs the scheduler runs; each is one typed event of cmd/instudio-jobs.
  jobs = {
    send = {
      schedule = var.send_at_per_salon ? "cron(0 * * * ? *)" : "cron(0 7 ? * MON *)"
      event    = { job = "send", period = var.send_period }
    }
    compact = {
      schedule = "cron(30 3 * * ? *)"
      event    = { job = "compact" }
    }
    check = {
      schedule = "rate(15 minutes)"
      event    = { job = "check", max_lag = var.check_max_lag }
    }
  }
}
