// Command instudio-report reports booking metrics of InStudio salons from
// the Parquet event store, with an embedded DuckDB.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/instudio/instudio-report/cmd/instudio-report/cli"
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var version, commit, date string

func main() {
	// INSTUDIO_CPUPROFILE=FILE writes a Go CPU profile, for `make bench`.
	if path := os.Getenv("INSTUDIO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		StdoutIsTerminal: isatty.IsTerminal(os.Stdout.Fd()),
		StderrIsTerminal: isatty.IsTerminal(os.Stderr.Fd()),
		Getenv:           os.Getenv,
		Now:              time.Now,
		Build:            cli.BuildInfo{Version: version, Commit: commit, Date: date},
	}, os.Args[1:])
	stop()
	pprof.StopCPUProfile()
	os.Exit(code)
}
