output "bucket" {
  value = aws_s3_bucket.data.id
}

output "queue_url" {
  value = aws_sqs_queue.bookings.id
}

output "dlq_url" {
  value = aws_sqs_queue.dlq.id
}

output "ingest_function" {
  value = aws_lambda_function.ingest.function_name
}

output "jobs_function" {
  value = aws_lambda_function.jobs.function_name
}

output "http_endpoint" {
  value = var.http_api ? "${aws_apigatewayv2_api.ingest[0].api_endpoint}/events" : null
}

output "smtp_secret" {
  description = "Put the SMTP password in this secret: aws secretsmanager put-secret-value --secret-id <arn> --secret-string ..."
  value       = aws_secretsmanager_secret.smtp_password.arn
}

output "athena_database" {
  value = aws_glue_catalog_database.bookings.name
}

output "athena_workgroup" {
  value = aws_athena_workgroup.analysts.name
}

output "dashboard" {
  value = aws_cloudwatch_dashboard.pipeline.dashboard_name
}
