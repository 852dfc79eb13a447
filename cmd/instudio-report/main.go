// Command instudio-report reports booking metrics of InStudio salons from
// the Parquet event store, with an embedded DuckDB.
package main

import (
	"context"
	"errors"
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
	// SIGINT goes to cli.Execute, which cancels the command with it (exit
	// 130), except in the repl, where Ctrl-C cancels only the running
	// statement. The first SIGTERM cancels the run (exit 143, 128 + its
	// number); a second one kills the process at once, as the default
	// handler does.
	ctx, cancel := context.WithCancelCause(context.Background())
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	terms := make(chan os.Signal, 1)
	signal.Notify(terms, syscall.SIGTERM)
	go func() {
		sig := <-terms
		signal.Stop(terms)
		cancel(signalError{sig})
	}()
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
	var sig signalError
	if code == cli.ExitInterrupted && errors.As(context.Cause(ctx), &sig) && sig.signal == syscall.SIGTERM {
		code = 128 + int(syscall.SIGTERM)
	}
	pprof.StopCPUProfile()
	os.Exit(code)
}

// signalError is the cause of a run cancelled by a signal.
type signalError struct{ signal os.Signal }

func (e signalError) Error() string { return "interrupted by " + e.signal.String() }
