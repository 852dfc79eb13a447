package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Invocation is what one run of the Lambda reports to CloudWatch.
type Invocation struct {
	Namespace    string
	FunctionName string
	Source       string // sqs, kafka, http
	Result       Result
	Start        time.Time
	Duration     time.Duration
}

// WriteEMF writes the invocation as one line of CloudWatch Embedded Metric
// Format: CloudWatch Logs turns it into the metrics RecordsReceived,
// RecordsWritten, RecordsRejected, FilesWritten, BytesWritten and
// DurationMs, with the dimensions FunctionName and Source. The line must
// stand alone on stdout, so it is written with a single Write.
func WriteEMF(w io.Writer, inv Invocation) error {
	type metric struct {
		Name string `json:"Name"`
		Unit string `json:"Unit"`
	}
	type directive struct {
		Namespace  string     `json:"Namespace"`
		Dimensions [][]string `json:"Dimensions"`
		Metrics    []metric   `json:"Metrics"`
	}
	type meta struct {
		Timestamp         int64       `json:"Timestamp"`
		CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
	}
	doc := struct {
		AWS             meta    `json:"_aws"`
		FunctionName    string  `json:"FunctionName"`
		Source          string  `json:"Source"`
		RecordsReceived int     `json:"RecordsReceived"`
		RecordsWritten  int     `json:"RecordsWritten"`
		RecordsRejected int     `json:"RecordsRejected"`
		RecordsFailed   int     `json:"RecordsFailed"`
		FilesWritten    int     `json:"FilesWritten"`
		BytesWritten    int64   `json:"BytesWritten"`
		DurationMs      float64 `json:"DurationMs"`
	}{
		AWS: meta{
			Timestamp: inv.Start.UnixMilli(),
			CloudWatchMetrics: []directive{{
				Namespace:  inv.Namespace,
				Dimensions: [][]string{{"FunctionName", "Source"}},
				Metrics: []metric{
					{"RecordsReceived", "Count"},
					{"RecordsWritten", "Count"},
					{"RecordsRejected", "Count"},
					{"RecordsFailed", "Count"},
					{"FilesWritten", "Count"},
					{"BytesWritten", "Bytes"},
					{"DurationMs", "Milliseconds"},
				},
			}},
		},
		FunctionName:    inv.FunctionName,
		Source:          inv.Source,
		RecordsReceived: inv.Result.Received,
		RecordsWritten:  inv.Result.Written,
		RecordsRejected: inv.Result.Rejected,
		RecordsFailed:   inv.Result.Failed,
		FilesWritten:    inv.Result.FilesWritten,
		BytesWritten:    inv.Result.BytesWritten,
		DurationMs:      float64(inv.Duration.Microseconds()) / 1000,
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	_, err = w.Write(append(line, '\n'))
	return err
}
