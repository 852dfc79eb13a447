package emf

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestWriteOneLine(t *testing.T) {
	var buf bytes.Buffer
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	err := Write(&buf, Run{Namespace: "InStudio", FunctionName: "instudio-jobs", Job: "check", Start: start,
		Values: map[string]float64{JobSucceeded: 1, JobFailed: 0, CheckStale: 1, CheckLagSeconds: 7200}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("want one line, got %q", buf.String())
	}
	var doc struct {
		AWS struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		} `json:"_aws"`
		Job             string
		CheckStale      float64
		CheckLagSeconds float64
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	d := doc.AWS.CloudWatchMetrics[0]
	if doc.AWS.Timestamp != 1796119200000 || d.Namespace != "InStudio" || doc.Job != "check" ||
		doc.CheckStale != 1 || doc.CheckLagSeconds != 7200 || len(d.Metrics) != 4 ||
		strings.Join(d.Dimensions[0], ",") != "FunctionName,Job" {
		t.Fatalf("unexpected line %s", buf.String())
	}
}

func TestWriteRefusesUnknownMetric(t *testing.T) {
	err := Write(&bytes.Buffer{}, Run{Values: map[string]float64{"Bogus": 1}})
	if err == nil || !strings.Contains(err.Error(), `"Bogus"`) {
		t.Fatalf("got %v", err)
	}
}
