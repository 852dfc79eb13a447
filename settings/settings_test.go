package settings_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instudio/instudio-report/settings"
)

func envOf(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Flag beats environment beats file beats default, row by row.
func TestPrecedence(t *testing.T) {
	conf := writeConfig(t, "source: /from/file\ntimezone: America/Lima\nthreads: 3\nlang: es\n")
	s, err := settings.Resolve(map[string]string{"config": conf, "source": "/from/flag"},
		envOf(map[string]string{"INSTUDIO_SOURCE": "/from/env", "INSTUDIO_TIMEZONE": "Europe/Madrid"}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Source != "/from/flag" || s.TimeZone != "Europe/Madrid" || s.Threads != 3 || s.Lang != "es" || s.LangExplicit ||
		s.LogLevel != "info" || s.S3Mode != "auto" || s.Currency != "PEN" || s.ConfigFile != conf {
		t.Errorf("settings %+v", s)
	}
	// The config file from the environment, the default from XDG.
	xdgDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdgDir, "instudio-report"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdgDir, "instudio-report", "config.yaml"), []byte("source: /xdg\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = settings.Resolve(nil, envOf(map[string]string{"XDG_CONFIG_HOME": xdgDir}))
	if err != nil || s.Source != "/xdg" {
		t.Errorf("XDG config: %v, source %q", err, s.Source)
	}
	s, err = settings.Resolve(nil, envOf(map[string]string{"XDG_CONFIG_HOME": xdgDir, "INSTUDIO_CONFIG": conf}))
	if err != nil || s.Source != "/from/file" {
		t.Errorf("INSTUDIO_CONFIG: %v, source %q", err, s.Source)
	}
	// No base directory at all: no default file, and no cache directory.
	s, err = settings.Resolve(nil, nil)
	if err != nil || s.Source != "./data" || s.CacheDir != "" || s.ConfigFile != "" {
		t.Errorf("no HOME: %v, %+v", err, s)
	}
	s, _ = settings.Resolve(nil, envOf(map[string]string{"HOME": "/home/x"}))
	if s.CacheDir != "/home/x/.cache/instudio-report" {
		t.Errorf("cache dir %q", s.CacheDir)
	}
}

func TestInvalidValues(t *testing.T) {
	for _, tc := range []struct {
		flags map[string]string
		env   map[string]string
		file  string
		want  string
	}{
		{map[string]string{"format": "xml"}, nil, "", `invalid output format "xml": use table, csv, json, md or html`},
		{nil, map[string]string{"INSTUDIO_THREADS": "many"}, "", `INSTUDIO_THREADS: "many" is not a whole number`},
		{nil, nil, "threads: lots\n", `config CONF: threads: "lots" is not a whole number`},
		{map[string]string{"threads": "-1"}, nil, "", "--threads must be 0 (all cores) or more, got -1"},
		{nil, nil, "s3_mode: fast\n", `invalid s3 mode "fast": use auto, httpfs or cache`},
		{nil, map[string]string{"INSTUDIO_LOG_LEVEL": "loud"}, "", `invalid log level "loud": use debug, info, warn or error`},
		{map[string]string{"memory-limit": "200%"}, nil, "", `invalid memory limit "200%": a share of RAM is more than 0% and at most 100%`},
		{nil, nil, "currency: soles\n", `invalid currency "soles": use an ISO 4217 code such as PEN or USD`},
	} {
		flags := tc.flags
		conf := ""
		if tc.file != "" {
			conf = writeConfig(t, tc.file)
			flags = map[string]string{"config": conf}
		}
		_, err := settings.Resolve(flags, envOf(tc.env))
		var invalid *settings.InvalidError
		want := strings.ReplaceAll(tc.want, "CONF", conf)
		if !errors.As(err, &invalid) || err.Error() != want {
			t.Errorf("%v %v %q: %v; want an InvalidError %q", tc.flags, tc.env, tc.file, err, want)
		}
	}
}

func TestConfigFileErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"sorce: ./data\n", `line 1: unknown key "sorce" (did you mean "source"?)`},
		{"colour: blue\n", `line 1: unknown key "colour"`},
		{"source: a\nsalons:\n  - id: 3\n    timzone: America/Lima\n", `line 4: unknown key "timzone" (did you mean "timezone"?)`},
		{"smtp:\n  url: smtp://h\n  form: a@b.example\n", `line 3: unknown key "form" (did you mean "from"?)`},
		{"source: a\nsource: b\n", `line 2: key "source" is given twice`},
		{"source: [a, b]\n", "line 1: source takes one value"},
		{"salons:\n  - id: seven\n", "line 2: cannot unmarshal !!str `seven` into int64"},
		{"- just\n- a list\n", "line 1: the file is not a list of keys and values"},
		{"salons:\n  - id: 3\n  - id: 3\n", "salons[1]: salon 3 is listed twice"},
	} {
		conf := writeConfig(t, tc.file)
		_, err := settings.Resolve(map[string]string{"config": conf}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v; want %q", tc.file, err, tc.want)
		}
	}
	// An empty file is no settings, not an error.
	if _, err := settings.Resolve(map[string]string{"config": writeConfig(t, "")}, nil); err != nil {
		t.Errorf("empty file: %v", err)
	}
}

// README's Settings table lists every row: flag, variable and key.
func TestReadmeSettings(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var table []string
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "| ") {
			table = append(table, line)
		}
	}
	for _, row := range settings.Table() {
		found := false
		for _, line := range table {
			if (row.Flag == "" || strings.Contains(line, "--"+row.Flag+" ")) &&
				(row.Env == "" || strings.Contains(line, "`"+row.Env+"`")) &&
				(row.Key == "" || strings.Contains(line, "`"+row.Key+"`")) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README's Settings table has no row for --%s, %s, %s", row.Flag, row.Env, row.Key)
		}
	}
}
