// Package deploy holds the infrastructure of the pipeline as code
// (terraform/, one root module) and the test that plans it offline and
// checks the plan: every resource, the SQS mapping, the redrive, the Glue
// table's projection, least-privilege IAM, the HTTP route's authorizer,
// and that the dashboard and alarms name only metrics the code emits.
package deploy
