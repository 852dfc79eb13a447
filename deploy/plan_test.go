package deploy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instudio/instudio-report/athena"
	"github.com/instudio/instudio-report/cmd/instudio-jobs/emf"
	"github.com/instudio/instudio-report/ingest"
)

// mirrorDirs are where a machine image may keep the AWS provider as a
// filesystem mirror; TF_PLUGIN_DIR names another.
var mirrorDirs = []string{"/opt/tf-plugins", "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins", "/root/.terraform.d/plugins"}

// terraformTools finds terraform and the mirror. Without them the test
// fails under CI=true and skips elsewhere, saying so.
func terraformTools(t *testing.T) (bin, mirror string) {
	t.Helper()
	missing := func(msg string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("deploy check cannot run under CI=true: %s", msg)
		}
		t.Skipf("deploy check did not run: %s", msg)
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		missing("terraform is not on PATH")
	}
	dirs := mirrorDirs
	if d := os.Getenv("TF_PLUGIN_DIR"); d != "" {
		dirs = []string{d}
	}
	for _, d := range dirs {
		if st, err := os.Stat(filepath.Join(d, "registry.terraform.io", "hashicorp", "aws")); err == nil && st.IsDir() {
			return bin, d
		}
	}
	missing("no registry.terraform.io/hashicorp/aws mirror in " + strings.Join(dirs, ", ") + " (set TF_PLUGIN_DIR)")
	return "", ""
}

type tf struct {
	t    *testing.T
	bin  string
	env  []string
	work string
}

func (x *tf) run(args ...string) []byte {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, x.bin, args...)
	cmd.Dir = "terraform"
	cmd.Env = x.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		x.t.Fatalf("terraform %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// plan is the part of `terraform show -json` the checks read.
type plan struct {
	PlannedValues struct {
		RootModule module `json:"root_module"`
	} `json:"planned_values"`
	PriorState struct {
		Values struct {
			RootModule module `json:"root_module"`
		} `json:"values"`
	} `json:"prior_state"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			AfterUnknown map[string]any `json:"after_unknown"`
		} `json:"change"`
	} `json:"resource_changes"`
	Configuration struct {
		RootModule struct {
			Resources []struct {
				Address     string                     `json:"address"`
				Expressions map[string]json.RawMessage `json:"expressions"`
			} `json:"resources"`
		} `json:"root_module"`
	} `json:"configuration"`
}

type module struct {
	Resources []resource `json:"resources"`
}

type resource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

func (p *plan) resources(typ string) []resource {
	var out []resource
	for _, r := range p.PlannedValues.RootModule.Resources {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

func (p *plan) resource(t *testing.T, address string) resource {
	t.Helper()
	for _, r := range p.PlannedValues.RootModule.Resources {
		if r.Address == address {
			return r
		}
	}
	t.Fatalf("plan has no %s", address)
	return resource{}
}

func (p *plan) unknown(address, attr string) bool {
	for _, c := range p.ResourceChanges {
		if c.Address == address {
			v, ok := c.Change.AfterUnknown[attr].(bool)
			return ok && v
		}
	}
	return false
}

// references lists what an attribute's expression refers to.
func (p *plan) references(t *testing.T, address, attr string) []string {
	t.Helper()
	for _, r := range p.Configuration.RootModule.Resources {
		if r.Address == address {
			var e struct {
				References []string `json:"references"`
			}
			if err := json.Unmarshal(r.Expressions[attr], &e); err != nil {
				t.Fatalf("%s.%s: expression: %v", address, attr, err)
			}
			return e.References
		}
	}
	return nil
}

// TestTerraformPlan plans deploy/terraform offline, with fake credentials
// and the provider's skip flags, in two shapes: example.tfvars (HTTP route
// with IAM auth) and every option on (MSK, JWT, config in SSM).
func TestTerraformPlan(t *testing.T) {
	bin, mirror := terraformTools(t)
	dir := t.TempDir()
	zip := filepath.Join(dir, "bootstrap.zip")
	// A zip's content does not matter to a plan, only that the file exists.
	if err := os.WriteFile(zip, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
		t.Fatal(err)
	}
	x := &tf{t: t, bin: bin, work: dir, env: append(os.Environ(),
		"TF_DATA_DIR="+filepath.Join(dir, "data"),
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "none.tfrc"),
		"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
	)}
	if err := os.WriteFile(filepath.Join(dir, "none.tfrc"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	x.run("fmt", "-check", "-recursive", "-diff")
	x.run("init", "-input=false", "-backend=false", "-lockfile=readonly", "-plugin-dir="+mirror)
	x.run("validate", "-no-color")

	common := []string{"-var", "offline_plan=true", "-var", "account_id=123456789012", "-var", "bucket_name=instudio-data-test",
		"-var", "ingest_zip=" + zip, "-var", "jobs_zip=" + zip}
	shapes := []struct {
		name    string
		args    []string
		http    string // the route's authorization type, "" without a route
		sources []string
	}{
		{"example", []string{"-var-file=example.tfvars"}, "AWS_IAM", []string{"sqs", "http"}},
		{"everything", []string{"-var", "http_api=true", "-var", "http_auth=jwt", "-var", "jwt_issuer=https://auth.example.com/",
			"-var", `jwt_audience=["instudio"]`, "-var", "kafka_source=msk",
			"-var", "msk_cluster_arn=arn:aws:kafka:us-east-1:123456789012:cluster/bookings/abcd-1",
			"-var", "config_ssm_parameter=/instudio/report-config", "-var", "send_at_per_salon=false"}, "JWT", []string{"sqs", "kafka", "http"}},
	}
	for _, s := range shapes {
		t.Run(s.name, func(t *testing.T) {
			x.t = t
			out := filepath.Join(dir, s.name+".plan")
			x.run(append(append([]string{"plan", "-input=false", "-lock=false", "-no-color", "-out=" + out}, common...), s.args...)...)
			var p plan
			if err := json.Unmarshal(x.run("show", "-json", out), &p); err != nil {
				t.Fatal(err)
			}
			checkPlan(t, &p, s.http, s.sources)
		})
	}
}

func checkPlan(t *testing.T, p *plan, httpAuth string, sources []string) {
	want := []string{
		"aws_s3_bucket.data", "aws_s3_bucket_public_access_block.data", "aws_s3_bucket_server_side_encryption_configuration.data",
		"aws_s3_bucket_lifecycle_configuration.data", "aws_sqs_queue.bookings", "aws_sqs_queue.dlq",
		"aws_cloudwatch_metric_alarm.dlq_not_empty", "aws_lambda_function.ingest", "aws_lambda_event_source_mapping.sqs",
		"aws_lambda_function.jobs", `aws_scheduler_schedule.job["send"]`, `aws_scheduler_schedule.job["compact"]`,
		`aws_scheduler_schedule.job["check"]`, "aws_iam_role_policy.ingest", "aws_iam_role_policy.jobs",
		`aws_cloudwatch_metric_alarm.lambda_errors["ingest"]`, `aws_cloudwatch_metric_alarm.lambda_errors["jobs"]`,
		"aws_cloudwatch_metric_alarm.data_stale", "aws_cloudwatch_metric_alarm.send_failed", "aws_cloudwatch_dashboard.pipeline",
		"aws_glue_catalog_database.bookings", "aws_glue_catalog_table.booking_files", `aws_glue_catalog_table.view["events"]`,
		`aws_glue_catalog_table.view["bookings"]`, "aws_athena_workgroup.analysts", "aws_secretsmanager_secret.smtp_password",
	}
	for _, s := range sources {
		want = append(want, `aws_cloudwatch_metric_alarm.ingest_silent["`+s+`"]`, `aws_cloudwatch_metric_alarm.ingest_rejected["`+s+`"]`)
	}
	for _, a := range want {
		p.resource(t, a)
	}

	// The bucket: public access blocked, encrypted, rejected records expire.
	pab := p.resource(t, "aws_s3_bucket_public_access_block.data").Values
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true {
			t.Errorf("public access block: %s = %v", k, pab[k])
		}
	}
	lc, _ := json.Marshal(p.resource(t, "aws_s3_bucket_lifecycle_configuration.data").Values["rule"])
	if !strings.Contains(string(lc), `"prefix":"bookings-rejected/"`) || !strings.Contains(string(lc), `"days":90`) {
		t.Errorf("lifecycle does not expire bookings-rejected/ after 90 days: %s", lc)
	}

	// The SQS mapping reports batch item failures and is bounded.
	m := p.resource(t, "aws_lambda_event_source_mapping.sqs").Values
	if types, _ := m["function_response_types"].([]any); !slices.Contains(types, any("ReportBatchItemFailures")) {
		t.Errorf("SQS mapping function_response_types = %v, want ReportBatchItemFailures", m["function_response_types"])
	}
	if m["batch_size"] != 1000.0 || m["maximum_batching_window_in_seconds"] != 10.0 {
		t.Errorf("SQS mapping batch %v window %v, want 1000 and 10", m["batch_size"], m["maximum_batching_window_in_seconds"])
	}
	sc, _ := json.Marshal(m["scaling_config"])
	if !strings.Contains(string(sc), `"maximum_concurrency":10`) {
		t.Errorf("SQS mapping scaling_config = %s, want maximum_concurrency 10", sc)
	}
	// The queue redrives to the DLQ: its ARN is known only after apply, so
	// the plan shows the redrive policy as unknown and its expression
	// refers to the DLQ.
	if !p.unknown("aws_sqs_queue.bookings", "redrive_policy") || !slices.Contains(p.references(t, "aws_sqs_queue.bookings", "redrive_policy"), "aws_sqs_queue.dlq.arn") {
		t.Errorf("queue redrive_policy does not refer to the DLQ: %v", p.references(t, "aws_sqs_queue.bookings", "redrive_policy"))
	}
	dlqAlarm := p.resource(t, "aws_cloudwatch_metric_alarm.dlq_not_empty").Values
	if dlqAlarm["metric_name"] != "ApproximateNumberOfMessagesVisible" || dlqAlarm["threshold"] != 0.0 {
		t.Errorf("DLQ alarm %v > %v", dlqAlarm["metric_name"], dlqAlarm["threshold"])
	}

	// Both functions run on provided.al2023.
	for _, f := range []string{"aws_lambda_function.ingest", "aws_lambda_function.jobs"} {
		if v := p.resource(t, f).Values; v["runtime"] != "provided.al2023" || v["handler"] != "bootstrap" {
			t.Errorf("%s: runtime %v handler %v", f, v["runtime"], v["handler"])
		}
	}

	// The schedules send typed events, in the platform's zone.
	for job, expr := range map[string]string{"send": "cron(", "compact": "cron(30 3 * * ? *)", "check": "rate(15 minutes)"} {
		v := p.resource(t, `aws_scheduler_schedule.job["`+job+`"]`).Values
		if !strings.HasPrefix(v["schedule_expression"].(string), expr) || v["schedule_expression_timezone"] != "America/Lima" {
			t.Errorf("%s schedule %v in %v", job, v["schedule_expression"], v["schedule_expression_timezone"])
		}
		target, _ := v["target"].([]any)
		input := target[0].(map[string]any)["input"].(string)
		var ev map[string]any
		if err := json.Unmarshal([]byte(input), &ev); err != nil || ev["job"] != job {
			t.Errorf("%s schedule input %s", job, input)
		}
	}

	checkGlue(t, p)
	checkIAM(t, p)
	checkHTTP(t, p, httpAuth)
	checkMetrics(t, p)
	if ws := p.resource(t, "aws_athena_workgroup.analysts").Values; !strings.Contains(mustJSON(ws["configuration"]), `"bytes_scanned_cutoff_per_query":107374182400`) {
		t.Errorf("workgroup has no bytes-scanned limit: %s", mustJSON(ws["configuration"]))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// checkGlue: projection on dt (date, yyyy-MM-dd, to NOW, the location
// template), the contract's columns, and views whose SQL is athena's.
func checkGlue(t *testing.T, p *plan) {
	tab := p.resource(t, "aws_glue_catalog_table.booking_files").Values
	params, _ := tab["parameters"].(map[string]any)
	for k, want := range map[string]string{
		"projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
		"projection.dt.range":       "2024-01-01,NOW",
		"storage.location.template": "s3://instudio-data-test/bookings/dt=${dt}/",
	} {
		if params[k] != want {
			t.Errorf("glue table %s = %v, want %q", k, params[k], want)
		}
	}
	if pk := mustJSON(tab["partition_keys"]); !strings.Contains(pk, `"name":"dt"`) || !strings.Contains(pk, `"type":"date"`) {
		t.Errorf("glue table partition keys %s, want dt date", pk)
	}
	sd, _ := tab["storage_descriptor"].([]any)
	cols, _ := sd[0].(map[string]any)["columns"].([]any)
	var got [][2]string
	for _, c := range cols {
		m := c.(map[string]any)
		got = append(got, [2]string{m["name"].(string), m["type"].(string)})
	}
	if !slices.Equal(got, athena.Columns()) {
		t.Errorf("glue columns %v\nathena DDL columns %v", got, athena.Columns())
	}
	for _, v := range []string{"events", "bookings"} {
		text := p.resource(t, `aws_glue_catalog_table.view["`+v+`"]`).Values["view_original_text"].(string)
		b64 := strings.TrimSuffix(strings.TrimPrefix(text, "/* Presto View: "), " */")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatalf("view %s: %v", v, err)
		}
		var def struct {
			OriginalSQL string `json:"originalSql"`
			Schema      string `json:"schema"`
		}
		if err := json.Unmarshal(raw, &def); err != nil {
			t.Fatal(err)
		}
		body, err := athena.ViewBody(v)
		if err != nil {
			t.Fatal(err)
		}
		if def.OriginalSQL != body || def.Schema != "instudio_bookings" {
			t.Errorf("view %s in Glue differs from athena/sql (schema %s):\n%s\n---\n%s", v, def.Schema, def.OriginalSQL, body)
		}
	}
}

// dataService names the actions that read or write data: granting any of
// them on Resource "*" is what least privilege forbids.
func dataAction(a string) bool {
	for _, p := range []string{"s3:", "sqs:", "secretsmanager:", "ssm:", "kafka-cluster:", "kafka:", "lambda:", "logs:", "kms:", "dynamodb:"} {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	return a == "*"
}

type statement struct {
	Sid      string
	Effect   string
	Action   any
	Resource any
}

func list(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func checkIAM(t *testing.T, p *plan) {
	policies := map[string]string{}
	for _, r := range p.resources("aws_iam_role_policy") {
		doc, ok := r.Values["policy"].(string)
		if !ok {
			t.Errorf("%s: policy unknown at plan time; build its ARNs from names", r.Address)
			continue
		}
		policies[r.Address] = doc
	}
	if len(policies) != 3 {
		t.Errorf("want 3 role policies (ingest, jobs, scheduler), got %d", len(policies))
	}
	s3Grants := map[string][]string{} // role policy -> "action resource"
	for addr, doc := range policies {
		var d struct{ Statement []statement }
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		for _, st := range d.Statement {
			if st.Effect != "" && st.Effect != "Allow" {
				continue
			}
			acts, res := list(st.Action), list(st.Resource)
			for _, a := range acts {
				if a == "*" || strings.HasSuffix(a, ":*") {
					t.Errorf("%s %s grants %s", addr, st.Sid, a)
				}
				if slices.Contains(res, "*") && dataAction(a) {
					t.Errorf("%s %s grants data action %s on Resource \"*\"", addr, st.Sid, a)
				}
				if strings.HasPrefix(a, "s3:") {
					for _, r := range res {
						s3Grants[addr] = append(s3Grants[addr], a+" "+r)
					}
				}
			}
		}
	}
	slices.Sort(s3Grants["aws_iam_role_policy.ingest"])
	wantIngest := []string{
		"s3:PutObject arn:aws:s3:::instudio-data-test/bookings-rejected/*",
		"s3:PutObject arn:aws:s3:::instudio-data-test/bookings/*",
	}
	if !slices.Equal(s3Grants["aws_iam_role_policy.ingest"], wantIngest) {
		t.Errorf("ingest S3 grants %v, want only %v", s3Grants["aws_iam_role_policy.ingest"], wantIngest)
	}
	for _, g := range s3Grants["aws_iam_role_policy.jobs"] {
		if strings.HasPrefix(g, "s3:DeleteObject") && !strings.HasSuffix(g, "/bookings/*") && !strings.HasSuffix(g, "/ledger/*") {
			t.Errorf("jobs may delete outside bookings/ and ledger/: %s", g)
		}
		if strings.HasSuffix(g, "::instudio-data-test/*") {
			t.Errorf("jobs granted the whole bucket: %s", g)
		}
	}
}

func checkHTTP(t *testing.T, p *plan, auth string) {
	routes := p.resources("aws_apigatewayv2_route")
	if auth == "" {
		if len(routes) != 0 {
			t.Errorf("http_api off but %d routes", len(routes))
		}
		return
	}
	if len(routes) != 1 {
		t.Fatalf("want one HTTP route, got %d", len(routes))
	}
	r := routes[0]
	if r.Values["authorization_type"] != auth || r.Values["route_key"] != "POST /events" {
		t.Errorf("route %v authorization %v, want POST /events with %s", r.Values["route_key"], r.Values["authorization_type"], auth)
	}
	if auth == "JWT" && !p.unknown(r.Address, "authorizer_id") {
		t.Errorf("JWT route has no authorizer")
	}
	stage := mustJSON(p.resource(t, "aws_apigatewayv2_stage.default[0]").Values["default_route_settings"])
	if !strings.Contains(stage, `"throttling_rate_limit":50`) || !strings.Contains(stage, `"throttling_burst_limit":100`) {
		t.Errorf("stage throttling %s", stage)
	}
}

// emitted is every metric the code writes, by namespace: ingest's EMF line
// and the jobs' (read from the code, not listed here), and the AWS
// services' own metrics the dashboard and alarms use.
func emitted(t *testing.T) map[string][]string {
	var buf bytes.Buffer
	if err := ingest.WriteEMF(&buf, ingest.Invocation{Namespace: "InStudio"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		AWS struct {
			CloudWatchMetrics []struct{ Metrics []struct{ Name string } }
		} `json:"_aws"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var ingestNames []string
	for _, m := range doc.AWS.CloudWatchMetrics[0].Metrics {
		ingestNames = append(ingestNames, m.Name)
	}
	return map[string][]string{
		"ingest":     ingestNames,
		"jobs":       emf.Names(),
		"AWS/Lambda": {"Errors", "Throttles", "Invocations", "Duration"},
		"AWS/SQS":    {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"},
	}
}

// checkMetrics: every metric in the dashboard and the alarms is one the
// code emits under the dimensions it emits it with.
func checkMetrics(t *testing.T, p *plan) {
	em := emitted(t)
	known := func(ns, name string, dims map[string]string) bool {
		switch ns {
		case "InStudio":
			switch dims["FunctionName"] {
			case "instudio-ingest":
				return slices.Contains(em["ingest"], name) && dims["Source"] != ""
			case "instudio-jobs":
				return slices.Contains(em["jobs"], name) && dims["Job"] != ""
			}
			return false
		}
		return slices.Contains(em[ns], name)
	}
	body := p.resource(t, "aws_cloudwatch_dashboard.pipeline").Values["dashboard_body"].(string)
	var dash struct {
		Widgets []struct {
			Properties struct {
				Metrics [][]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &dash); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, w := range dash.Widgets {
		for _, line := range w.Properties.Metrics {
			ns, name := line[0].(string), line[1].(string)
			dims := map[string]string{}
			for i := 2; i+1 < len(line); i += 2 {
				k, _ := line[i].(string)
				v, _ := line[i+1].(string)
				dims[k] = v
			}
			if !known(ns, name, dims) {
				t.Errorf("dashboard names %s %s %v, which no code emits", ns, name, dims)
			}
			seen[dims["FunctionName"]+" "+name] = true
		}
	}
	// The dashboard shows every ingest metric and every jobs metric but
	// JobSucceeded (its complement JobFailed is drawn).
	for _, n := range em["ingest"] {
		if !seen["instudio-ingest "+n] {
			t.Errorf("dashboard lacks ingest metric %s", n)
		}
	}
	for _, n := range em["jobs"] {
		if !seen["instudio-jobs "+n] && n != emf.JobSucceeded {
			t.Errorf("dashboard lacks jobs metric %s", n)
		}
	}
	for _, a := range p.resources("aws_cloudwatch_metric_alarm") {
		dims := map[string]string{}
		for k, v := range a.Values["dimensions"].(map[string]any) {
			dims[k], _ = v.(string)
		}
		ns, name := a.Values["namespace"].(string), a.Values["metric_name"].(string)
		if ns == "AWS/SQS" || ns == "AWS/Lambda" {
			continue
		}
		if !known(ns, name, dims) {
			t.Errorf("%s alarms on %s %s %v, which no code emits", a.Address, ns, name, dims)
		}
	}
}
