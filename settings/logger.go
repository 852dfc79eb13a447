package settings

import (
	"fmt"
	"io"
	"log/slog"
)

// Logger is the run's logger, writing to w at the level and in the format
// the settings name. Resolve has checked both; an error here is a last
// guard for Settings built by hand, and is *InvalidError (a usage error).
func (s Settings) Logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return nil, &InvalidError{Err: fmt.Errorf("invalid log level %q: use debug, info, warn or error", s.LogLevel)}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch s.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, &InvalidError{Err: fmt.Errorf("invalid log format %q: use text or json", s.LogFormat)}
}
