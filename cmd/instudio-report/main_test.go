package main

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/instudio/instudio-report/cmd/instudio-report/cli"
)

// The scripts in testdata/script run the real command tree in-process, as a
// user would from a shell.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"instudio-report": instudioReport})
}

// instudioReport is the program as the scripts start it: main itself,
// unless INSTUDIO_TEST_NOW (set only by TestReadmeExamples) stops the
// clock, so that the README's examples give the same answers on any day.
func instudioReport() {
	fixed := os.Getenv("INSTUDIO_TEST_NOW")
	if fixed == "" {
		main()
		return
	}
	now, err := time.Parse(time.RFC3339, fixed)
	if err != nil {
		fmt.Fprintf(os.Stderr, "INSTUDIO_TEST_NOW: %v\n", err)
		os.Exit(2)
	}
	os.Exit(cli.Execute(context.Background(), cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		Now:    func() time.Time { return now },
	}, os.Args[1:]))
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
