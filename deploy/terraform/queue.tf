# The queue the booking service sends events to, and its dead-letter queue:
# a message that ingest failed to store sqs_max_receive_count times moves
# there, and the DLQ alarm says so. Rejected records never come back (ingest
# keeps them under bookings-rejected/), so only storage failures land here.
resource "aws_sqs_queue" "dlq" {
  name                      = "${var.name}-bookings-dlq"
  message_retention_seconds = 1209600 # 14 days, the most SQS keeps
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "bookings" {
  name                       = "${var.name}-bookings"
  message_retention_seconds  = 345600 # 4 days
  visibility_timeout_seconds = 6 * var.ingest_timeout_seconds
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.sqs_max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.bookings.arn]
  })
}
