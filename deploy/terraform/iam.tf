# Least privilege: each function may touch only its own prefixes.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# --- ingest: PutObject on bookings/ and bookings-rejected/, nothing else
# of the bucket; receive and delete on its own queue.
resource "aws_iam_role" "ingest" {
  name               = "${local.ingest_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "ingest" {
  statement {
    sid     = "WriteBatches"
    actions = ["s3:PutObject"]
    resources = [
      "${local.bucket_arn}/${local.bookings_prefix}/*",
      "${local.bucket_arn}/${local.rejected_prefix}/*",
    ]
  }
  statement {
    sid       = "ReadQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [local.queue_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.ingest_log_arn}:*"]
  }
  dynamic "statement" {
    for_each = var.kafka_source == "msk" ? [1] : []
    content {
      sid       = "ReadMsk"
      actions   = ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers", "kafka-cluster:Connect", "kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup", "kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
      resources = [var.msk_cluster_arn, "${replace(var.msk_cluster_arn, ":cluster/", ":topic/")}/*", "${replace(var.msk_cluster_arn, ":cluster/", ":group/")}/*"]
    }
  }
  dynamic "statement" {
    for_each = var.kafka_source == "self_managed" ? [1] : []
    content {
      sid       = "KafkaCredentials"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.kafka_secret_arn]
    }
  }
  dynamic "statement" {
    # Lambda polls MSK and brokers in a VPC from network interfaces it
    # creates; these EC2 actions take no resource ARN.
    for_each = var.kafka_source != "" ? [1] : []
    content {
      sid       = "KafkaNetwork"
      actions   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "ingest" {
  name   = "ingest"
  role   = aws_iam_role.ingest.id
  policy = data.aws_iam_policy_document.ingest.json
}

# --- jobs: read the layout and the rejected records (check counts them),
# write compacted files and the ledger, delete only under bookings/ (the
# inputs a compaction merged away); read its config and the SMTP secret.
resource "aws_iam_role" "jobs" {
  name               = "${local.jobs_name}-role"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "jobs" {
  statement {
    sid       = "ListLayout"
    actions   = ["s3:ListBucket"]
    resources = [local.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${local.bookings_prefix}/*", "${local.rejected_prefix}/*", "${local.ledger_prefix}/*", local.bookings_prefix, local.rejected_prefix, local.ledger_prefix, ""]
    }
  }
  statement {
    sid     = "ReadLayout"
    actions = ["s3:GetObject"]
    resources = [
      "${local.bucket_arn}/${local.bookings_prefix}/*",
      "${local.bucket_arn}/${local.rejected_prefix}/*",
    ]
  }
  statement {
    sid       = "WriteCompacted"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.bucket_arn}/${local.bookings_prefix}/*"]
  }
  statement {
    sid       = "Ledger"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.bucket_arn}/${local.ledger_prefix}/*"]
  }
  dynamic "statement" {
    for_each = var.config_ssm_parameter == "" ? [1] : []
    content {
      sid       = "ConfigObject"
      actions   = ["s3:GetObject"]
      resources = ["${local.bucket_arn}/${var.config_s3_key}"]
    }
  }
  dynamic "statement" {
    for_each = var.config_ssm_parameter != "" ? [1] : []
    content {
      sid       = "ConfigParameter"
      actions   = ["ssm:GetParameter"]
      resources = [local.config_ssm_arn]
    }
  }
  statement {
    sid       = "SmtpPassword"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [local.smtp_secret_arn]
  }
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.jobs_log_arn}:*"]
  }
}

resource "aws_iam_role_policy" "jobs" {
  name   = "jobs"
  role   = aws_iam_role.jobs.id
  policy = data.aws_iam_policy_document.jobs.json
}

# --- the scheduler may invoke the jobs function and nothing else.
resource "aws_iam_role" "scheduler" {
  name = "${var.name}-scheduler-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "scheduler.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  name = "invoke-jobs"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "lambda:InvokeFunction"
      Resource = [local.jobs_function_arn]
    }]
  })
}
