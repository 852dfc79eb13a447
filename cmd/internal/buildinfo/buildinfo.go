// Package buildinfo says which binary is running: the version, commit and
// date stamped at link time, else those the Go toolchain recorded.
package buildinfo

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Info identifies a build.
type Info struct {
	Version string
	Commit  string
	Date    string
}

// Resolve fills what the link-time stamp left empty from the build
// information of the Go toolchain; the version is "dev" when neither says.
func Resolve(stamped Info) Info {
	i := stamped
	if info, ok := debug.ReadBuildInfo(); ok {
		if i.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			i.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && i.Commit == "":
				i.Commit = s.Value
			case s.Key == "vcs.time" && i.Date == "":
				i.Date = s.Value
			}
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	return i
}

// Write prints the build of program, one fact a line, and the Go
// toolchain it was built with.
func (i Info) Write(w io.Writer, program string) {
	fmt.Fprintf(w, "%s %s\n", program, i.Version)
	if i.Commit != "" {
		fmt.Fprintf(w, "commit:  %s\n", i.Commit)
	}
	if i.Date != "" {
		fmt.Fprintf(w, "built:   %s\n", i.Date)
	}
	fmt.Fprintf(w, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
