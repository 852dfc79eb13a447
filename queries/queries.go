// Package queries owns the DuckDB layer: opening the embedded database,
// attaching a source of booking files as the events and bookings views, and
// the metric SQL (one embedded .sql file per query, parameters always bound)
// that fills a report.Report. It knows nothing of output formats.
package queries

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// Query returns the SQL of the embedded query with the given name (the file
// sql/<name>.sql, whose header names it and its parameters). A missing file
// is a programming error, caught by the package tests.
func Query(name string) string {
	b, err := fs.ReadFile(sqlFiles, "sql/"+name+".sql")
	if err != nil {
		panic(fmt.Sprintf("queries: no embedded query %q", name))
	}
	return string(b)
}

// QueryNames lists the embedded queries.
func QueryNames() []string {
	entries, _ := fs.ReadDir(sqlFiles, "sql")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".sql"))
	}
	return names
}
