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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/report"
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
	// Lang and Currency are how reports read for people; LangExplicit is
	// set when the language came from --lang or INSTUDIO_LANG, which then
	// wins over salons[].lang.
	Lang         string
	LangExplicit bool
	Currency     string
	Salons       []SalonConfig

	// S3: how an s3:// source is read and reached.
	S3Mode, S3Endpoint, S3Region, Profile string
	ExtensionDir, ExtensionRepository     string
	CacheDir                              string        // where cache mode keeps its copies
	SMTP                                  mail.Settings // the smtp block, for send
}

// SalonConfig is a salon's entry in the config file.
type SalonConfig struct {
	ID       int64  `yaml:"id"`
	Name     string `yaml:"name"`
	TimeZone string `yaml:"timezone"`
	Lang     string `yaml:"lang"`
	Currency string `yaml:"currency"`
	// Email and Cc receive the salon's report from send.
	Email []string `yaml:"email"`
	Cc    []string `yaml:"cc"`
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
	Lang        string        `yaml:"lang"`
	Currency    string        `yaml:"currency"`
	Salons      []SalonConfig `yaml:"salons"`

	S3Mode              string        `yaml:"s3_mode"`
	S3Endpoint          string        `yaml:"s3_endpoint"`
	S3Region            string        `yaml:"s3_region"`
	Profile             string        `yaml:"profile"`
	ExtensionDir        string        `yaml:"extension_dir"`
	ExtensionRepository string        `yaml:"extension_repository"`
	CacheDir            string        `yaml:"cache_dir"`
	SMTP                mail.Settings `yaml:"smtp"`
}

// globalFlags hold the raw values of the global flags.
type globalFlags struct {
	config, source, format, memoryLimit, logLevel, logFormat, timeZone, lang string
	threads                                                                  int

	s3Mode, s3Endpoint, s3Region, profile, extensionDir, extensionRepo, cacheDir string
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
	defaultLang      = "en"
	defaultS3Mode    = "auto"
)

func addGlobalFlags(cmd *cobra.Command, f *globalFlags) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.config, "config", "", "config file (env INSTUDIO_CONFIG; default $XDG_CONFIG_HOME/instudio-report/config.yaml)")
	pf.StringVar(&f.source, "source", "", "root that holds bookings/: a directory or s3://bucket[/prefix] (env INSTUDIO_SOURCE; default ./data)")
	pf.StringVarP(&f.format, "format", "o", "", "output format: table, csv, json, md or html (env INSTUDIO_FORMAT; default table on a terminal, csv when piped)")
	pf.IntVar(&f.threads, "threads", 0, "DuckDB worker threads (env INSTUDIO_THREADS; default all cores)")
	pf.StringVar(&f.memoryLimit, "memory-limit", "", "DuckDB memory limit such as 2GB or 50% (env INSTUDIO_MEMORY_LIMIT)")
	pf.StringVar(&f.logLevel, "log-level", "", "log level: debug, info, warn or error (env INSTUDIO_LOG_LEVEL; default info)")
	pf.StringVar(&f.logFormat, "log-format", "", "log format on stderr: text or json (env INSTUDIO_LOG_FORMAT; default text)")
	pf.StringVar(&f.timeZone, "timezone", "", "platform IANA time zone that decides what today is (env INSTUDIO_TIMEZONE; default UTC)")
	pf.StringVar(&f.lang, "lang", "", "language of the table, Markdown and HTML reports: en or es (env INSTUDIO_LANG; default salons[].lang, then lang, then en)")
	pf.StringVar(&f.s3Mode, "s3-mode", "", "how an s3:// source is read: httpfs, cache or auto (env INSTUDIO_S3_MODE; default auto)")
	pf.StringVar(&f.s3Endpoint, "s3-endpoint", "", "S3-compatible endpoint URL such as http://127.0.0.1:9000 (env INSTUDIO_S3_ENDPOINT, then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)")
	pf.StringVar(&f.s3Region, "s3-region", "", "S3 region (env INSTUDIO_S3_REGION; default the AWS SDK's, else us-east-1)")
	pf.StringVar(&f.profile, "profile", "", "AWS shared-config profile (env INSTUDIO_PROFILE; default the AWS SDK's, AWS_PROFILE)")
	pf.StringVar(&f.extensionDir, "extension-dir", "", "directory of DuckDB extensions, for httpfs on offline hosts (env INSTUDIO_EXTENSION_DIR)")
	pf.StringVar(&f.extensionRepo, "extension-repository", "", "DuckDB extension repository URL or directory to install httpfs from (env INSTUDIO_EXTENSION_REPOSITORY)")
	pf.StringVar(&f.cacheDir, "cache-dir", "", "where cache mode keeps copies of S3 objects (env INSTUDIO_CACHE_DIR; default $XDG_CACHE_HOME/instudio-report)")
	_ = cmd.RegisterFlagCompletionFunc("s3-mode", cobra.FixedCompletions([]string{"auto", "httpfs", "cache"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions(report.Languages, cobra.ShellCompDirectiveNoFileComp))
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
		Lang:        pick("lang", f.lang, "INSTUDIO_LANG", file.Lang, defaultLang),
		Currency:    pick("", "", "INSTUDIO_CURRENCY", file.Currency, report.DefaultCurrency),
		Salons:      file.Salons,

		S3Mode:              pick("s3-mode", f.s3Mode, "INSTUDIO_S3_MODE", file.S3Mode, defaultS3Mode),
		S3Endpoint:          pick("s3-endpoint", f.s3Endpoint, "INSTUDIO_S3_ENDPOINT", file.S3Endpoint, ""),
		S3Region:            pick("s3-region", f.s3Region, "INSTUDIO_S3_REGION", file.S3Region, ""),
		Profile:             pick("profile", f.profile, "INSTUDIO_PROFILE", file.Profile, ""),
		ExtensionDir:        pick("extension-dir", f.extensionDir, "INSTUDIO_EXTENSION_DIR", file.ExtensionDir, ""),
		ExtensionRepository: pick("extension-repository", f.extensionRepo, "INSTUDIO_EXTENSION_REPOSITORY", file.ExtensionRepository, ""),
		CacheDir:            pick("cache-dir", f.cacheDir, "INSTUDIO_CACHE_DIR", file.CacheDir, defaultCacheDir(getenv)),
		SMTP:                file.SMTP,
	}
	s.LangExplicit = changed("lang") || getenv("INSTUDIO_LANG") != ""
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
		return Settings{}, usagef("invalid output format %q: use table, csv, json, md or html", s.Format)
	}
	switch s.S3Mode {
	case "auto", "httpfs", "cache":
	default:
		return Settings{}, usagef("invalid s3 mode %q: use auto, httpfs or cache", s.S3Mode)
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil {
		return Settings{}, usagef("invalid time zone %q: use an IANA name such as America/Lima", s.TimeZone)
	}
	if err := (report.Options{Lang: s.Lang, Currency: s.Currency}).Validate(); err != nil {
		return Settings{}, usagef("%s", err)
	}
	if err := s.SMTP.Check(); err != nil {
		return Settings{}, fmt.Errorf("%s: %w", path, err)
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
		if err := (report.Options{Lang: salon.Lang, Currency: salon.Currency}).Validate(); err != nil {
			return Settings{}, fmt.Errorf("%s: salon %d: %w", path, salon.ID, err)
		}
		if err := mail.CheckAddresses(append(slices.Clip(salon.Email), salon.Cc...)); err != nil {
			return Settings{}, fmt.Errorf("%s: salon %d: %w", path, salon.ID, err)
		}
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

// defaultCacheDir is $XDG_CACHE_HOME/instudio-report, else
// ~/.cache/instudio-report; "" when neither is known.
func defaultCacheDir(getenv func(string) string) string {
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "instudio-report")
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

// reportOptions is the language and currency of a salon's report: --lang or
// INSTUDIO_LANG, else the salon's own, else the platform's.
func (s Settings) reportOptions(id int64) report.Options {
	c := s.salonConfig(id)
	opt := report.Options{Lang: s.Lang, Currency: s.Currency}
	if c.Lang != "" && !s.LangExplicit {
		opt.Lang = c.Lang
	}
	if c.Currency != "" {
		opt.Currency = c.Currency
	}
	return opt
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
