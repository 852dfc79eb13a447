package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// Settings are the resolved global settings of a run.
type Settings struct {
	ConfigFile  string // the file read, "" when none
	Source      string
	Format      string // "" picks table on a terminal, csv otherwise
	Threads     int
	MemoryLimit string
	LogLevel    string
	LogFormat   string
	TimeZone    string // the platform time zone: what "today" means
	Salons      []SalonConfig
}

// SalonConfig is a salon's entry in the config file.
type SalonConfig struct {
	ID       int64  `yaml:"id"`
	Name     string `yaml:"name"`
	TimeZone string `yaml:"timezone"`
}

// fileConfig is the YAML config file. Unknown keys are an error, so that a
// typo does not pass silently.
type fileConfig struct {
	Source      string        `yaml:"source"`
	Format      string        `yaml:"format"`
	Threads     *int          `yaml:"threads"`
	MemoryLimit string        `yaml:"memory_limit"`
	LogLevel    string        `yaml:"log_level"`
	LogFormat   string        `yaml:"log_format"`
	TimeZone    string        `yaml:"timezone"`
	Salons      []SalonConfig `yaml:"salons"`
}

// globalFlags hold the raw values of the global flags.
type globalFlags struct {
	config, source, format, memoryLimit, logLevel, logFormat, timeZone string
	threads                                                            int
}

// memoryLimitPattern is what DuckDB's memory_limit accepts, checked here so
// that a typo is a usage error that names the setting.
var memoryLimitPattern = regexp.MustCompile(`(?i)^[0-9]+(\.[0-9]+)?\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib|%)$`)

// Defaults of the global settings.
const (
	defaultSource    = "./data"
	defaultLogLevel  = "info"
	defaultLogFormat = "text"
	defaultTimeZone  = "UTC"
)

func addGlobalFlags(cmd *cobra.Command, f *globalFlags) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.config, "config", "", "config file (env INSTUDIO_CONFIG; default $XDG_CONFIG_HOME/instudio-report/config.yaml)")
	pf.StringVar(&f.source, "source", "", "root that holds bookings/: a directory (env INSTUDIO_SOURCE; default ./data)")
	pf.StringVarP(&f.format, "format", "o", "", "output format: table, csv or json (env INSTUDIO_FORMAT; default table on a terminal, csv when piped)")
	pf.IntVar(&f.threads, "threads", 0, "DuckDB worker threads (env INSTUDIO_THREADS; default all cores)")
	pf.StringVar(&f.memoryLimit, "memory-limit", "", "DuckDB memory limit such as 2GB or 50% (env INSTUDIO_MEMORY_LIMIT)")
	pf.StringVar(&f.logLevel, "log-level", "", "log level: debug, info, warn or error (env INSTUDIO_LOG_LEVEL; default info)")
	pf.StringVar(&f.logFormat, "log-format", "", "log format on stderr: text or json (env INSTUDIO_LOG_FORMAT; default text)")
	pf.StringVar(&f.timeZone, "timezone", "", "platform IANA time zone that decides what today is (env INSTUDIO_TIMEZONE; default UTC)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"table", "csv", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions([]string{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("log-format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
}

// resolveSettings applies the precedence of DESIGN.md: flag, then
// INSTUDIO_* environment variable, then config file, then default.
func resolveSettings(cmd *cobra.Command, env Env, f globalFlags) (Settings, error) {
	changed := func(name string) bool {
		fl := cmd.Flags().Lookup(name)
		return fl != nil && fl.Changed
	}
	getenv := env.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	path, explicit := f.config, changed("config")
	if !explicit {
		if v := getenv("INSTUDIO_CONFIG"); v != "" {
			path, explicit = v, true
		} else {
			path = defaultConfigPath(getenv)
		}
	}
	file, err := loadConfigFile(path, explicit)
	if err != nil {
		return Settings{}, err
	}

	pick := func(flag, flagValue, envName, fileValue, def string) string {
		if changed(flag) {
			return flagValue
		}
		if v := getenv(envName); v != "" {
			return v
		}
		if fileValue != "" {
			return fileValue
		}
		return def
	}
	s := Settings{
		Source:      pick("source", f.source, "INSTUDIO_SOURCE", file.Source, defaultSource),
		Format:      pick("format", f.format, "INSTUDIO_FORMAT", file.Format, ""),
		MemoryLimit: pick("memory-limit", f.memoryLimit, "INSTUDIO_MEMORY_LIMIT", file.MemoryLimit, ""),
		LogLevel:    pick("log-level", f.logLevel, "INSTUDIO_LOG_LEVEL", file.LogLevel, defaultLogLevel),
		LogFormat:   pick("log-format", f.logFormat, "INSTUDIO_LOG_FORMAT", file.LogFormat, defaultLogFormat),
		TimeZone:    pick("timezone", f.timeZone, "INSTUDIO_TIMEZONE", file.TimeZone, defaultTimeZone),
		Salons:      file.Salons,
	}
	if file.loaded {
		s.ConfigFile = path
	}
	switch {
	case changed("threads"):
		s.Threads = f.threads
	case getenv("INSTUDIO_THREADS") != "":
		n, err := strconv.Atoi(getenv("INSTUDIO_THREADS"))
		if err != nil {
			return Settings{}, usagef("INSTUDIO_THREADS: %q is not a whole number", getenv("INSTUDIO_THREADS"))
		}
		s.Threads = n
	case file.Threads != nil:
		s.Threads = *file.Threads
	}
	if s.Threads < 0 {
		return Settings{}, usagef("--threads must be 0 (all cores) or more, got %d", s.Threads)
	}
	if s.MemoryLimit != "" && !memoryLimitPattern.MatchString(s.MemoryLimit) {
		return Settings{}, usagef("invalid memory limit %q: use a size such as 512MB, 2GB or 4GiB, or a share of RAM such as 50%%", s.MemoryLimit)
	}
	if share, ok := strings.CutSuffix(strings.TrimSpace(s.MemoryLimit), "%"); ok {
		if p, _ := strconv.ParseFloat(strings.TrimSpace(share), 64); p <= 0 || p > 100 {
			return Settings{}, usagef("invalid memory limit %q: a share of RAM is more than 0%% and at most 100%%", s.MemoryLimit)
		}
	}
	if s.Format != "" && !validFormat(s.Format) {
		return Settings{}, usagef("invalid output format %q: use table, csv or json", s.Format)
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return Settings{}, usagef("invalid time zone %q: use an IANA name such as America/Lima", s.TimeZone)
	}
	seen := map[int64]bool{}
	for i, salon := range s.Salons {
		if salon.ID <= 0 {
			return Settings{}, fmt.Errorf("%s: salons[%d]: id must be a positive salon id, got %d", path, i, salon.ID)
		}
		if seen[salon.ID] {
			return Settings{}, fmt.Errorf("%s: salons[%d]: salon %d is listed twice", path, i, salon.ID)
		}
		seen[salon.ID] = true
		if salon.TimeZone == "" {
			continue
		}
		if _, err := time.LoadLocation(salon.TimeZone); err != nil {
			return Settings{}, fmt.Errorf("%s: salon %d: invalid timezone %q: use an IANA name such as America/Lima", path, salon.ID, salon.TimeZone)
		}
	}
	return s, nil
}

func defaultConfigPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "instudio-report", "config.yaml")
}

type loadedConfig struct {
	fileConfig
	loaded bool
}

// loadConfigFile reads the YAML config. A missing default file is fine; a
// missing file that the user named is an error.
func loadConfigFile(path string, explicit bool) (loadedConfig, error) {
	if path == "" {
		return loadedConfig{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return loadedConfig{}, nil
		}
		return loadedConfig{}, fmt.Errorf("config %s: %w", path, err)
	}
	var c fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return loadedConfig{}, fmt.Errorf("config %s: %s", path, yamlMessage(err))
	}
	return loadedConfig{fileConfig: c, loaded: true}, nil
}

// salonConfig returns the config entry of a salon, or a zero entry.
func (s Settings) salonConfig(id int64) SalonConfig {
	for _, c := range s.Salons {
		if c.ID == id {
			return c
		}
	}
	return SalonConfig{ID: id}
}

// yamlUnknownKey is how the YAML decoder reports a key that fileConfig
// lacks; the Go type it names means nothing to a user.
var yamlUnknownKey = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)

// yamlMessage turns a YAML decoding error into one line for a user: an
// unknown key is named, with the nearest valid key when one is close.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlUnknownKey.FindStringSubmatch(msg); m != nil {
		out := fmt.Sprintf("line %s: unknown key %q", m[1], m[2])
		if near := nearestKey(m[2]); near != "" {
			out += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return out
	}
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return strings.Join(strings.Fields(msg), " ")
}

// configKeys are the keys of the config file, top level and per salon.
func configKeys() []string {
	var keys []string
	for _, t := range []reflect.Type{reflect.TypeFor[fileConfig](), reflect.TypeFor[SalonConfig]()} {
		for f := range t.Fields() {
			if k, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); k != "" {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// nearestKey is the config key closest to key by edit distance, when it is
// at most 2 edits away (or 3 for a long key).
func nearestKey(key string) string {
	best, bestDist := "", 3
	if len(key) > 8 {
		bestDist = 4
	}
	for _, k := range configKeys() {
		if d := editDistance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
