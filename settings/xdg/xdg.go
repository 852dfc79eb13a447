// Package xdg owns where the program keeps its files by default: the XDG
// base directories (config, cache, state) under which each file sits in
// an instudio-report directory. It is its own package so that mail (the
// ledger) and settings (the config file, the cache) share one rule.
package xdg

import (
	"fmt"
	"path/filepath"
)

// Base is one XDG base directory.
type Base struct {
	// Env names the variable that sets it, Fallback the directory under
	// $HOME used when the variable is unset or relative.
	Env, Fallback string
}

// The base directories the program uses.
var (
	Config = Base{Env: "XDG_CONFIG_HOME", Fallback: ".config"}
	Cache  = Base{Env: "XDG_CACHE_HOME", Fallback: ".cache"}
	State  = Base{Env: "XDG_STATE_HOME", Fallback: ".local/state"}
)

// NoBaseDirError says that no absolute base directory could be found: a
// relative default would follow the directory the program was started in
// (cron's, say), and a run from elsewhere would not find the files.
type NoBaseDirError struct{ Base Base }

func (e *NoBaseDirError) Error() string {
	return fmt.Sprintf("no %s directory: %s and HOME are unset or not absolute paths", filepath.Base(e.Base.Fallback), e.Base.Env)
}

// Path is name under the program's directory of base: $ENV/instudio-report/name,
// else $HOME/<fallback>/instudio-report/name. Only absolute directories
// count (the XDG specification ignores relative ones); with neither, the
// error is a *NoBaseDirError.
func Path(getenv func(string) string, base Base, name string) (string, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if dir := getenv(base.Env); filepath.IsAbs(dir) {
		return filepath.Join(dir, "instudio-report", name), nil
	}
	if home := getenv("HOME"); filepath.IsAbs(home) {
		return filepath.Join(home, base.Fallback, "instudio-report", name), nil
	}
	return "", &NoBaseDirError{Base: base}
}
