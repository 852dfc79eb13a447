# The optional HTTP front door: POST /events on an API Gateway HTTP API.
# Never open: anyone who could post here could write bookings into every
# salon's report. With http_auth = "iam" a caller signs with SigV4 and needs
# execute-api:Invoke on this route; with "jwt" it presents a token from
# jwt_issuer for jwt_audience. API Gateway caps a request at 10 MB and
# Lambda's synchronous payload at 6 MB, so a larger body never reaches
# ingest; throttling bounds the rate.
resource "aws_apigatewayv2_api" "ingest" {
  count         = var.http_api ? 1 : 0
  name          = "${var.name}-ingest"
  protocol_type = "HTTP"
  # The default endpoint stays on; the route's authorizer guards it.
}

resource "aws_apigatewayv2_integration" "ingest" {
  count                  = var.http_api ? 1 : 0
  api_id                 = aws_apigatewayv2_api.ingest[0].id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.ingest.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 29000
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count            = var.http_api && var.http_auth == "jwt" ? 1 : 0
  api_id           = aws_apigatewayv2_api.ingest[0].id
  name             = "${var.name}-jwt"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    issuer   = var.jwt_issuer
    audience = var.jwt_audience
  }
}

resource "aws_apigatewayv2_route" "events" {
  count              = var.http_api ? 1 : 0
  api_id             = aws_apigatewayv2_api.ingest[0].id
  route_key          = "POST /events"
  target             = "integrations/${aws_apigatewayv2_integration.ingest[0].id}"
  authorization_type = var.http_auth == "jwt" ? "JWT" : "AWS_IAM"
  authorizer_id      = var.http_auth == "jwt" ? aws_apigatewayv2_authorizer.jwt[0].id : null
}

resource "aws_apigatewayv2_stage" "default" {
  count       = var.http_api ? 1 : 0
  api_id      = aws_apigatewayv2_api.ingest[0].id
  name        = "$default"
  auto_deploy = true
  default_route_settings {
    throttling_rate_limit  = var.http_throttle_rate
    throttling_burst_limit = var.http_throttle_burst
  }
}

resource "aws_lambda_permission" "http" {
  count         = var.http_api ? 1 : 0
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.ingest.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.ingest[0].execution_arn}/*/POST/events"
}
