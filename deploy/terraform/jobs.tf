# The jobs Lambda (cmd/instudio-jobs): send, compact and check, one job per
# invocation, from a typed event that the schedules below send.
resource "aws_cloudwatch_log_group" "jobs" {
  name              = "/aws/lambda/${local.jobs_name}"
  retention_in_days = var.log_retention_days
}

# The SMTP password: Terraform creates the secret, the operator puts the
# password in it (README "Deploy on AWS"), so it never sits in state.
resource "aws_secretsmanager_secret" "smtp_password" {
  name                    = "${var.name}/smtp-password"
  description             = "SMTP password of instudio-report send; the secret string is the password itself."
  recovery_window_in_days = 7
}

# The config YAML in SSM, when config_ssm_parameter names one. Terraform
# creates it with a placeholder and never overwrites what the operator puts.
resource "aws_ssm_parameter" "config" {
  count = var.config_ssm_parameter != "" ? 1 : 0
  name  = var.config_ssm_parameter
  type  = "String"
  tier  = "Advanced" # up to 8 KB: a config with many salons
  value = "# put the instudio-report config YAML here\n"
  lifecycle {
    ignore_changes = [value]
  }
}

resource "aws_lambda_function" "jobs" {
  function_name    = local.jobs_name
  role             = aws_iam_role.jobs.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.lambda_architecture]
  filename         = var.jobs_zip
  source_code_hash = filebase64sha256(var.jobs_zip)
  memory_size      = var.jobs_memory_mb
  timeout          = var.jobs_timeout_seconds
  ephemeral_storage {
    size = var.jobs_ephemeral_storage_mb
  }
  # At most two jobs at once, so that a check can run while a compaction
  # or a send does; the schedules never start two compactions (daily, no
  # retries), and send's ledger keeps two sends from mailing twice.
  reserved_concurrent_executions = 2
  environment {
    variables = {
      INSTUDIO_BUCKET            = aws_s3_bucket.data.id
      INSTUDIO_CONFIG_S3_KEY     = var.config_ssm_parameter == "" ? var.config_s3_key : ""
      INSTUDIO_CONFIG_SSM        = var.config_ssm_parameter
      INSTUDIO_SMTP_SECRET       = aws_secretsmanager_secret.smtp_password.arn
      INSTUDIO_LEDGER_PREFIX     = "${local.ledger_prefix}/"
      INSTUDIO_METRICS_NAMESPACE = var.metrics_namespace
      INSTUDIO_TIMEZONE          = var.timezone
    }
  }
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.jobs.name
  }
}

# EventBridge Scheduler, in the platform's zone: send hourly (each salon's
# send_at picks its hour) or weekly, compact daily, check every 15 minutes.
resource "aws_scheduler_schedule" "job" {
  for_each                     = local.jobs
  name                         = "${var.name}-${each.key}"
  schedule_expression          = each.value.schedule
  schedule_expression_timezone = var.timezone
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_lambda_function.jobs.arn
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode(each.value.event)
    retry_policy {
      maximum_retry_attempts       = 0 # a failed run alarms; the next run retries
      maximum_event_age_in_seconds = 3600
    }
  }
}
