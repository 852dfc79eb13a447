variable "region" {
  description = "AWS region of every resource."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "instudio"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name))
    error_message = "name: lowercase letters, digits and -, at most 21 characters."
  }
}

variable "bucket_name" {
  description = "The data bucket. Empty: a new bucket named <name>-data-<random suffix>."
  type        = string
  default     = ""
}

variable "timezone" {
  description = "The platform's IANA time zone: ingest's INSTUDIO_TIMEZONE and the schedules' zone."
  type        = string
  default     = "America/Lima"
}

variable "rejected_retention_days" {
  description = "Days after which rejected records under bookings-rejected/ expire."
  type        = number
  default     = 90
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention of both functions."
  type        = number
  default     = 30
}

variable "lambda_architecture" {
  description = "x86_64 or arm64; must match LAMBDA_ARCH of `make lambda` (amd64 or arm64)."
  type        = string
  default     = "x86_64"
  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture: x86_64 or arm64."
  }
}

variable "ingest_zip" {
  description = "The ingest Lambda's zip, from `make lambda`."
  type        = string
  default     = "../../dist/instudio-ingest.zip"
}

variable "jobs_zip" {
  description = "The jobs Lambda's zip, from `make lambda`."
  type        = string
  default     = "../../dist/instudio-jobs.zip"
}

variable "ingest_memory_mb" {
  type    = number
  default = 512
}

variable "ingest_timeout_seconds" {
  type    = number
  default = 60
}

variable "sqs_batch_size" {
  description = "Messages per ingest invocation (up to 10000 with a batching window)."
  type        = number
  default     = 1000
}

variable "sqs_batching_window_seconds" {
  description = "How long SQS gathers a batch before it invokes ingest."
  type        = number
  default     = 10
}

variable "sqs_max_concurrency" {
  description = "At most this many ingest invocations from SQS at once (2..1000)."
  type        = number
  default     = 10
}

variable "sqs_max_receive_count" {
  description = "Deliveries of a message before it moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "kafka_source" {
  description = "\"\" (none), \"msk\" or \"self_managed\": an extra Kafka event source for ingest."
  type        = string
  default     = ""
  validation {
    condition     = contains(["", "msk", "self_managed"], var.kafka_source)
    error_message = "kafka_source: \"\", \"msk\" or \"self_managed\"."
  }
}

variable "kafka_topic" {
  type    = string
  default = "bookings"
}

variable "msk_cluster_arn" {
  description = "With kafka_source = \"msk\": the cluster's ARN."
  type        = string
  default     = ""
}

variable "kafka_bootstrap_servers" {
  description = "With kafka_source = \"self_managed\": host:port of the brokers."
  type        = list(string)
  default     = []
}

variable "kafka_secret_arn" {
  description = "With kafka_source = \"self_managed\": the Secrets Manager secret holding SASL/SCRAM credentials."
  type        = string
  default     = ""
}

variable "kafka_subnet_ids" {
  description = "With kafka_source = \"self_managed\": subnets from which Lambda reaches the brokers."
  type        = list(string)
  default     = []
}

variable "kafka_security_group_id" {
  type    = string
  default = ""
}

variable "http_api" {
  description = "Add an API Gateway HTTP API route POST /events in front of ingest."
  type        = bool
  default     = false
}

variable "http_auth" {
  description = "The HTTP route's authorization: \"iam\" (SigV4) or \"jwt\". It is never open."
  type        = string
  default     = "iam"
  validation {
    condition     = contains(["iam", "jwt"], var.http_auth)
    error_message = "http_auth: \"iam\" or \"jwt\"; an open route would let anyone write bookings into every salon's report."
  }
}

variable "jwt_issuer" {
  type    = string
  default = ""
}

variable "jwt_audience" {
  type    = list(string)
  default = []
}

variable "http_throttle_rate" {
  description = "Steady requests per second on the HTTP route."
  type        = number
  default     = 50
}

variable "http_throttle_burst" {
  type    = number
  default = 100
}

variable "jobs_memory_mb" {
  description = "The jobs Lambda's memory; DuckDB's working memory comes out of it."
  type        = number
  default     = 3008
}

variable "jobs_timeout_seconds" {
  type    = number
  default = 900
}

variable "jobs_ephemeral_storage_mb" {
  description = "/tmp of the jobs Lambda, where the S3 cache lives (512..10240)."
  type        = number
  default     = 4096
}

variable "config_s3_key" {
  description = "Key in the data bucket of the CLI's config YAML (salons, smtp). Used when config_ssm_parameter is empty."
  type        = string
  default     = "config/instudio-report.yaml"
}

variable "config_ssm_parameter" {
  description = "Name of an SSM parameter holding the config YAML instead of config_s3_key, e.g. /instudio/report-config."
  type        = string
  default     = ""
}

variable "send_at_per_salon" {
  description = "true: send runs hourly and each salon's send_at picks its hour; false: once a week, Monday 07:00."
  type        = bool
  default     = true
}

variable "send_period" {
  type    = string
  default = "last-week"
}

variable "check_max_lag" {
  description = "check fails when the newest event is older than this (a Go duration)."
  type        = string
  default     = "2h"
}

variable "athena_bytes_scanned_cutoff" {
  description = "Athena stops any query of the workgroup that scans more bytes than this."
  type        = number
  default     = 107374182400 # 100 GiB
}

variable "athena_projection_start" {
  description = "The first dt of the partition projection (yyyy-MM-dd)."
  type        = string
  default     = "2024-01-01"
}

variable "alarm_email" {
  description = "Email subscribed to the alarms' SNS topic; empty: subscribe yourself."
  type        = string
  default     = ""
}

variable "metrics_namespace" {
  type    = string
  default = "InStudio"
}

variable "tags" {
  type    = map(string)
  default = { project = "instudio-report" }
}

variable "offline_plan" {
  description = "Skip the provider's credential and account look-ups: for the offline plan test only."
  type        = bool
  default     = false
}

variable "account_id" {
  description = "The AWS account id; empty: looked up from the credentials. Every ARN in the IAM policies is built from it, so the plan shows them whole."
  type        = string
  default     = ""
}
