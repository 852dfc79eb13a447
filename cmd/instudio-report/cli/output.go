package cli

import (
	"bytes"
	"context"

	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/storage"
)

// writeReports renders reports in format to stdout, or to outFile when
// given ("-" is stdout).
func (o *rootOptions) writeReports(ctx context.Context, reports []report.Report, format output.Format, outFile string, asArray bool, opt report.Options) error {
	var buf bytes.Buffer
	if err := report.Write(&buf, format, reports, asArray, opt); err != nil {
		return err
	}
	return o.writeOutput(ctx, buf.Bytes(), outFile)
}

// writeOutput writes rendered output to stdout, or to outFile when given
// ("-" is stdout): whole or not at all, and nothing once ctx is cancelled.
func (o *rootOptions) writeOutput(ctx context.Context, data []byte, outFile string) error {
	return storage.WriteOutput(ctx, o.env.Stdout, outFile, data)
}
