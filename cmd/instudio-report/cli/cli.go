// Package cli is the instudio-report command tree. It is built by
// functions from an Env that carries every stream, the environment and the
// clock, so each command runs in tests exactly as it does from a shell.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/instudio/instudio-report/cmd/internal/buildinfo"
	"github.com/instudio/instudio-report/cmd/internal/interrupts"
	"github.com/instudio/instudio-report/layout"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/settings"
)

// Exit codes of the program.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	exitCheck = 3
	// ExitInterrupted is the code of a run that its context cancelled: the
	// user pressed Ctrl-C (SIGINT, 128+2). main maps SIGTERM to 143.
	ExitInterrupted = 130
)

// Env is everything a run of the program takes from the outside world.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdoutIsTerminal picks the human table over CSV by default;
	// StderrIsTerminal allows progress bars.
	StdoutIsTerminal, StderrIsTerminal bool
	Getenv                             func(string) string
	Now                                func() time.Time
	Build                              BuildInfo
	// Interrupts delivers SIGINT. Each one cancels the command's context,
	// unless the command handles Ctrl-C itself (repl). Nil: no signals.
	Interrupts <-chan os.Signal
	// Hint words what to do about an error of storage or source (a missing
	// bucket, a wrong region) for the caller; nil uses the CLI's own, which
	// name its flags. The jobs Lambda, which sets no flags, names its
	// environment instead.
	Hint func(error) string
}

// BuildInfo identifies the binary.
type BuildInfo = buildinfo.Info

// Execute runs the program with args (without the program name) and
// returns its exit code. Errors are printed here, once.
func Execute(ctx context.Context, env Env, args []string) int {
	ctx, stop := interrupts.Route(ctx, env.Interrupts)
	defer stop()
	root := newRootCmd(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if ctx.Err() != nil {
		// A signal cancelled the run: whatever it was doing stopped, and no
		// output was written, so one word says it all.
		fmt.Fprintln(env.Stderr, "instudio-report: interrupted")
		return ExitInterrupted
	}
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(env.Stderr, "instudio-report: %s\n", output.OneLine(err.Error()+hintSuffix(err, env.Hint)))
	var usage *usageError
	var failed *checkFailedError
	switch {
	case errors.As(err, &usage):
		return exitUsage
	case errors.As(err, &failed):
		return exitCheck
	case !ran(cmd):
		// cobra's own errors (unknown command or flag, bad flag value)
		// come before any command runs.
		return exitUsage
	}
	return exitError
}

// usageError is a mistake in how the program was called: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// checkFailedError is a check that ran and found a problem: exit code 3.
type checkFailedError struct{ msg string }

func (e *checkFailedError) Error() string { return e.msg }

const ranAnnotation = "instudio-report/ran"

// markRan records that a command got as far as running, so that Execute
// can tell cobra's parse errors (usage) from failures of the work itself.
func markRan(cmd *cobra.Command) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[ranAnnotation] = "yes"
}

func ran(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[ranAnnotation] == "yes"
}

// rootOptions are the global flags and what they resolve to.
type rootOptions struct {
	env      Env
	settings settings.Settings
	format   output.Format // chosen once per run, before the command runs
	log      *slog.Logger
}

func newRootCmd(env Env) *cobra.Command {
	opts := &rootOptions{env: env, log: slog.New(slog.DiscardHandler)}
	root := &cobra.Command{
		Use:           "instudio-report",
		Short:         "Booking analytics for InStudio salons",
		Long:          helpText("instudio-report"),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			markRan(cmd)
			s, err := resolveSettings(cmd, env)
			if err != nil {
				return err
			}
			opts.settings = s
			if opts.log, err = s.Logger(env.Stderr); err != nil {
				return &usageError{err: err}
			}
			opts.log.Debug("settings", s.LogAttrs()...)
			return opts.pickFormat(cmd)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: fmt.Errorf("%w (see '%s --help')", err, cmd.CommandPath())}
	})
	addGlobalFlags(root)
	root.AddCommand(
		newSalonCmd(opts),
		newSalonsCmd(opts),
		newBookingCmd(opts),
		newDemoCmd(opts),
		newIngestCmd(opts),
		newSendCmd(opts),
		newSentCmd(opts),
		newVersionCmd(opts),
		newQueryCmd(opts),
		newReplCmd(opts),
		newCompactCmd(opts),
		newImportLegacyCmd(opts),
		newCheckCmd(opts),
		newAthenaSQLCmd(opts),
	)
	// cobra's completion command takes its output stream when it is made.
	root.SetOut(env.Stdout)
	strictCompletion(root)
	return root
}

// syncProgress is the progress bar of an S3 cache sync: on stderr when it
// is a terminal, else nothing.
func (o *rootOptions) syncProgress() layout.SyncProgress {
	if !o.env.StderrIsTerminal {
		return nil
	}
	return output.NewSyncBar(o.env.Stderr)
}

// strictCompletion makes `completion SHELL` a usage error for a shell that
// cobra cannot complete, where cobra would print help and exit 0.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sub := range c.Commands() {
			shells = append(shells, sub.Name())
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return usagef("completion: unsupported shell %q: use %s", args[0], strings.Join(shells, ", "))
		}
		c.RunE = func(cmd *cobra.Command, args []string) error {
			return usagef("completion: name a shell: %s", strings.Join(shells, ", "))
		}
	}
}
