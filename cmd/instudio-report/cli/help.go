package cli

import (
	"embed"
	"strings"
)

// The long help and the examples of each command live beside it in
// help/<command>.txt and help/<command>.example.txt: prose, not wiring.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText is the long help of command name.
func helpText(name string) string { return strings.TrimSpace(readHelp(name + ".txt")) }

// helpExample is the examples of command name, indented as cobra prints them.
func helpExample(name string) string { return strings.Trim(readHelp(name+".example.txt"), "\n") }

// readHelp reads an embedded help file. A missing one is a mistake in this
// package that every test building the command tree catches.
func readHelp(file string) string {
	b, err := helpFiles.ReadFile("help/" + file)
	if err != nil {
		panic("cli: " + err.Error())
	}
	return string(b)
}
