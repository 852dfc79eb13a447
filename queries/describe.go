package queries

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// DescribeExtensions says which DuckDB extensions this binary can use, and
// what that means for s3:// sources.
func DescribeExtensions(exts []Extension) string {
	var parts []string
	httpfs := "httpfs not installed (s3:// sources are read through the local cache)"
	for _, e := range exts {
		if e.Name == "httpfs" {
			if e.Installed || e.Loaded {
				httpfs = "httpfs " + strings.ToLower(e.Mode) + " (s3:// sources can be read directly)"
			}
			continue
		}
		if e.Installed || e.Loaded {
			parts = append(parts, e.Name)
		}
	}
	return strings.Join(parts, ", ") + "; " + httpfs
}

// WriteEngine prints the DuckDB engine's version and its extensions, one
// line each, as the version command shows them.
func (d *DB) WriteEngine(ctx context.Context, w io.Writer) error {
	engine, err := d.EngineVersion(ctx)
	if err != nil {
		return err
	}
	exts, err := d.Extensions(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "duckdb:  %s\nextensions: %s\n", engine, DescribeExtensions(exts))
	return err
}
