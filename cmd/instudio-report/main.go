// Command instudio-report reports booking metrics of InStudio salons from
// the Parquet event store, with an embedded DuckDB.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/instudio/instudio-report/cmd/instudio-report/cli"
)

// Set at build time with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var version, commit, date string

func main() {
	// SIGINT goes to cli.Execute, which cancels the command with it, except
	// in the repl, where Ctrl-C cancels only the running statement.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	code := cli.Execute(ctx, cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		StdoutIsTerminal: isatty.IsTerminal(os.Stdout.Fd()),
		StderrIsTerminal: isatty.IsTerminal(os.Stderr.Fd()),
		Getenv:           os.Getenv,
		Now:              time.Now,
		Build:            cli.BuildInfo{Version: version, Commit: commit, Date: date},
		Interrupts:       interrupts,
	}, os.Args[1:])
	stop()
	os.Exit(code)
}
