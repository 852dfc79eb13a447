# Alarms go to one SNS topic. README "Deploy on AWS" says what each means
# and what to do about it.
resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count     = var.alarm_email != "" ? 1 : 0
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# Ingest silent: no record received from a source for an hour. Missing data
# is breaching: a source that stopped sends no metric at all.
resource "aws_cloudwatch_metric_alarm" "ingest_silent" {
  for_each            = toset(local.ingest_sources)
  alarm_name          = "${var.name}-ingest-silent-${each.key}"
  alarm_description   = "No booking event received from ${each.key} for an hour: the producer or the trigger stopped."
  namespace           = var.metrics_namespace
  metric_name         = "RecordsReceived"
  dimensions          = { FunctionName = local.ingest_name, Source = each.key }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "LessThanThreshold"
  threshold           = 1
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "ingest_rejected" {
  for_each            = toset(local.ingest_sources)
  alarm_name          = "${var.name}-ingest-rejected-${each.key}"
  alarm_description   = "Ingest rejected a record from ${each.key}; it is kept with its reason under ${local.rejected_prefix}/."
  namespace           = var.metrics_namespace
  metric_name         = "RecordsRejected"
  dimensions          = { FunctionName = local.ingest_name, Source = each.key }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  alarm_name          = "${var.name}-dlq-not-empty"
  alarm_description   = "Messages in ${aws_sqs_queue.dlq.name}: ingest failed to store them ${var.sqs_max_receive_count} times."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = {
    ingest = aws_lambda_function.ingest.function_name
    jobs   = aws_lambda_function.jobs.function_name
  }
  alarm_name          = "${var.name}-${each.key}-errors"
  alarm_description   = "An invocation of ${each.value} failed; its log group says why."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

# check failing: the newest event is older than check_max_lag. The check
# job runs every 15 minutes, so two missing data points mean it stopped.
resource "aws_cloudwatch_metric_alarm" "data_stale" {
  alarm_name          = "${var.name}-data-stale"
  alarm_description   = "check: the newest booking event is older than ${var.check_max_lag}, or the check job stopped running."
  namespace           = var.metrics_namespace
  metric_name         = "CheckStale"
  dimensions          = { FunctionName = local.jobs_name, Job = "check" }
  statistic           = "Maximum"
  period              = 900
  evaluation_periods  = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "send_failed" {
  alarm_name          = "${var.name}-send-failed"
  alarm_description   = "send could not deliver a salon's report; the next hourly run retries it (the ledger sends each salon once)."
  namespace           = var.metrics_namespace
  metric_name         = "EmailsFailed"
  dimensions          = { FunctionName = local.jobs_name, Job = "send" }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}
