package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The scripts in testdata/script run the real command tree in-process, as a
// user would from a shell.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"instudio-report": main})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
