// Package emf writes the jobs Lambda's metrics as CloudWatch Embedded
// Metric Format lines: one line per job run, with the dimensions
// FunctionName and Job. deploy/terraform's alarms and dashboard name these
// metrics; deploy's plan test checks them against Names.
package emf

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// The metrics a job run may report. Every run reports JobSucceeded,
// JobFailed and DurationMs; the others belong to one job each.
const (
	JobSucceeded    = "JobSucceeded"
	JobFailed       = "JobFailed"
	DurationMs      = "DurationMs"
	CheckLagSeconds = "CheckLagSeconds" // check: age of the newest event
	CheckStale      = "CheckStale"      // check: 1 when stale or empty
	SmallFiles      = "SmallFiles"      // check: files waiting for compaction
	RejectedRecords = "RejectedRecords" // check: records under the rejected prefix
	FilesCompacted  = "FilesCompacted"  // compact: input files merged away
	FilesWritten    = "FilesWritten"    // compact: compacted files written
	EmailsSent      = "EmailsSent"      // send
	EmailsFailed    = "EmailsFailed"    // send
)

var units = map[string]string{
	JobSucceeded: "Count", JobFailed: "Count", DurationMs: "Milliseconds",
	CheckLagSeconds: "Seconds", CheckStale: "Count", SmallFiles: "Count", RejectedRecords: "Count",
	FilesCompacted: "Count", FilesWritten: "Count", EmailsSent: "Count", EmailsFailed: "Count",
}

// Names lists every metric this package can write, sorted.
func Names() []string {
	out := make([]string, 0, len(units))
	for n := range units {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Run is one job run's metrics.
type Run struct {
	Namespace    string
	FunctionName string
	Job          string
	Start        time.Time
	Values       map[string]float64 // by metric name
}

// Write writes the run as one EMF line, in a single Write so that it stands
// alone in the log stream.
func Write(w io.Writer, r Run) error {
	type metric struct {
		Name string `json:"Name"`
		Unit string `json:"Unit"`
	}
	doc := map[string]any{
		"FunctionName": r.FunctionName,
		"Job":          r.Job,
	}
	names := make([]string, 0, len(r.Values))
	for n := range r.Values {
		if _, ok := units[n]; !ok {
			return fmt.Errorf("metrics: %q is not a jobs metric", n)
		}
		names = append(names, n)
	}
	sort.Strings(names)
	var metrics []metric
	for _, n := range names {
		metrics = append(metrics, metric{n, units[n]})
		doc[n] = r.Values[n]
	}
	doc["_aws"] = map[string]any{
		"Timestamp": r.Start.UnixMilli(),
		"CloudWatchMetrics": []map[string]any{{
			"Namespace":  r.Namespace,
			"Dimensions": [][]string{{"FunctionName", "Job"}},
			"Metrics":    metrics,
		}},
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	_, err = w.Write(append(line, '\n'))
	return err
}
