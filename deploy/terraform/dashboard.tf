# One dashboard from the ingest EMF metrics (ingest/metrics.go), the jobs'
# own EMF metrics (cmd/instudio-jobs/emf) and the Lambda and SQS metrics.
# deploy/plan_test.go checks that it names only metrics the code emits.
locals {
  ns = var.metrics_namespace
  # One line per ingest source of the metric m.
  ingest_lines = {
    for m in ["RecordsReceived", "RecordsWritten", "RecordsRejected", "RecordsFailed", "FilesWritten", "BytesWritten", "DurationMs"] :
    m => [for s in local.ingest_sources : [local.ns, m, "FunctionName", local.ingest_name, "Source", s, { label = "${s}" }]]
  }
  job_line = {
    for pair in [
      ["check", "CheckLagSeconds"], ["check", "CheckStale"], ["check", "SmallFiles"], ["check", "RejectedRecords"],
      ["compact", "FilesCompacted"], ["compact", "FilesWritten"],
      ["send", "EmailsSent"], ["send", "EmailsFailed"],
      ["send", "DurationMs"], ["compact", "DurationMs"], ["check", "DurationMs"],
      ["send", "JobFailed"], ["compact", "JobFailed"], ["check", "JobFailed"],
    ] : "${pair[0]}.${pair[1]}" => [local.ns, pair[1], "FunctionName", local.jobs_name, "Job", pair[0], { label = "${pair[0]} ${pair[1]}" }]
  }
  widget = {
    type   = "metric"
    width  = 8
    height = 6
  }
  widgets = [
    { title = "Records received per source", metrics = local.ingest_lines["RecordsReceived"], stat = "Sum" },
    { title = "Records written per source", metrics = local.ingest_lines["RecordsWritten"], stat = "Sum" },
    { title = "Records rejected per source", metrics = local.ingest_lines["RecordsRejected"], stat = "Sum" },
    { title = "Records failed (redelivered) per source", metrics = local.ingest_lines["RecordsFailed"], stat = "Sum" },
    { title = "Batch latency (ms, p90)", metrics = local.ingest_lines["DurationMs"], stat = "p90" },
    { title = "Files and bytes written", metrics = concat(local.ingest_lines["FilesWritten"], local.ingest_lines["BytesWritten"]), stat = "Sum" },
    { title = "Lag of the newest event (s)", metrics = [local.job_line["check.CheckLagSeconds"]], stat = "Maximum" },
    { title = "Stale, small files, rejected records", metrics = [local.job_line["check.CheckStale"], local.job_line["check.SmallFiles"], local.job_line["check.RejectedRecords"]], stat = "Maximum" },
    { title = "Compaction: files merged and written", metrics = [local.job_line["compact.FilesCompacted"], local.job_line["compact.FilesWritten"]], stat = "Sum" },
    { title = "Emails sent and failed", metrics = [local.job_line["send.EmailsSent"], local.job_line["send.EmailsFailed"]], stat = "Sum" },
    { title = "Jobs failed and their duration (ms)", metrics = [local.job_line["send.JobFailed"], local.job_line["compact.JobFailed"], local.job_line["check.JobFailed"], local.job_line["send.DurationMs"], local.job_line["compact.DurationMs"], local.job_line["check.DurationMs"]], stat = "Maximum" },
    {
      title = "Lambda errors, throttles and the DLQ"
      stat  = "Sum"
      metrics = [
        ["AWS/Lambda", "Errors", "FunctionName", local.ingest_name],
        ["AWS/Lambda", "Errors", "FunctionName", local.jobs_name],
        ["AWS/Lambda", "Throttles", "FunctionName", local.ingest_name],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", aws_sqs_queue.dlq.name],
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", aws_sqs_queue.bookings.name],
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "pipeline" {
  dashboard_name = "${var.name}-pipeline"
  dashboard_body = jsonencode({
    widgets = [for i, w in local.widgets : merge(local.widget, {
      x = (i % 3) * 8
      y = floor(i / 3) * 6
      properties = {
        title   = w.title
        metrics = w.metrics
        stat    = w.stat
        period  = 300
        region  = var.region
        view    = "timeSeries"
      }
    })]
  })
}
