// Package settings owns the program's settings: one table with a row per
// setting (its flag, environment variable, config key, default, check and
// help), the precedence flag > INSTUDIO_* environment > config file >
// default, the config file with its "did you mean" errors, and the
// default paths (package xdg). cmd/ registers the flags from the table and
// hands back the ones given; nothing else declares a setting.
package settings

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/output"
	"github.com/instudio/instudio-report/report"
	"github.com/instudio/instudio-report/settings/xdg"
	"github.com/instudio/instudio-report/storage"
)

// Settings are the resolved settings of a run.
type Settings struct {
	ConfigFile string // the file read, "" when none
	Source     string
	// Format is "" when none was given: then the command picks (a table on
	// a terminal, CSV when piped). FormatFlag says it came from -o.
	Format      output.Format
	FormatFlag  bool
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
	Salons       []Salon

	// S3: how an s3:// source is read and reached.
	S3Mode, S3Endpoint, S3Region, Profile string
	ExtensionDir, ExtensionRepository     string
	CacheDir                              string        // where cache mode keeps its copies
	SMTP                                  mail.Settings // the smtp block, for send
}

// Salon is a salon's entry in the config file.
type Salon struct {
	ID       int64  `yaml:"id"`
	Name     string `yaml:"name"`
	TimeZone string `yaml:"timezone"`
	Lang     string `yaml:"lang"`
	Currency string `yaml:"currency"`
	// Email and Cc receive the salon's report from send.
	Email []string `yaml:"email"`
	Cc    []string `yaml:"cc"`
}

// Setting is one row of the table.
type Setting struct {
	Flag  string // the flag's name, without dashes; "" for none
	Short string // its one-letter form, or ""
	Env   string // the environment variable, or ""
	Key   string // the config file's key, or ""
	// Default is the value when nothing sets it; DefaultOf computes it
	// from the environment instead (a path under an XDG directory).
	Default   string
	DefaultOf func(getenv func(string) string) string
	// DefaultHelp says what the default is, for --help, when Default
	// alone does not.
	DefaultHelp string
	Help        string
	Choices     []string // the valid values, for completion; nil for any
	Int         bool     // a whole number (the flag is an int flag)
	// set checks the value and stores it.
	set func(s *Settings, v string) error
}

// Usage is the flag's help: Help, then where else the setting comes from.
func (r Setting) Usage() string {
	var more []string
	if r.Env != "" {
		more = append(more, "env "+r.Env)
	}
	switch {
	case r.DefaultHelp != "":
		more = append(more, "default "+r.DefaultHelp)
	case r.Default != "" && r.Default != "0":
		more = append(more, "default "+r.Default)
	}
	if len(more) == 0 {
		return r.Help
	}
	return r.Help + " (" + strings.Join(more, "; ") + ")"
}

// The config setting: which file holds the rest. It is resolved first and
// has no config key.
const (
	ConfigFlag = "config"
	ConfigEnv  = "INSTUDIO_CONFIG"
)

// memoryLimitPattern is what DuckDB's memory_limit accepts, checked here so
// that a typo is a usage error that names the setting.
var memoryLimitPattern = regexp.MustCompile(`(?i)^[0-9]+(\.[0-9]+)?\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib|%)$`)

// Table is every setting but config, in the order of --help. To add a
// setting: a row here, a field in Settings, and a line in README's
// Settings table (TestReadmeSettings checks it is there).
func Table() []Setting {
	str := func(field func(*Settings) *string) func(*Settings, string) error {
		return func(s *Settings, v string) error { *field(s) = v; return nil }
	}
	oneOf := func(what string, choices []string, field func(*Settings) *string) func(*Settings, string) error {
		return func(s *Settings, v string) error {
			if !slices.Contains(choices, v) {
				return fmt.Errorf("invalid %s %q: use %s", what, v, orList(choices))
			}
			*field(s) = v
			return nil
		}
	}
	logLevels := []string{"debug", "info", "warn", "error"}
	s3Modes := []string{"auto", "httpfs", "cache"}
	return []Setting{
		{Flag: "source", Env: "INSTUDIO_SOURCE", Key: "source", Default: "./data",
			Help: "root that holds bookings/: a directory or s3://bucket[/prefix]",
			set:  str(func(s *Settings) *string { return &s.Source })},
		{Flag: "format", Short: "o", Env: "INSTUDIO_FORMAT", Key: "format",
			DefaultHelp: "table on a terminal, csv when piped", Choices: output.Strings(output.All),
			Help: "output format: " + output.Names(output.All) + " (each command writes some of them)",
			set: func(s *Settings, v string) error {
				f, err := output.Parse(v)
				s.Format = f
				return err
			}},
		{Flag: "threads", Env: "INSTUDIO_THREADS", Key: "threads", Int: true, Default: "0", DefaultHelp: "all cores",
			Help: "DuckDB worker threads",
			set: func(s *Settings, v string) error {
				n, _ := strconv.Atoi(v)
				if n < 0 {
					return fmt.Errorf("--threads must be 0 (all cores) or more, got %d", n)
				}
				s.Threads = n
				return nil
			}},
		{Flag: "memory-limit", Env: "INSTUDIO_MEMORY_LIMIT", Key: "memory_limit",
			Help: "DuckDB memory limit such as 2GB or 50%",
			set: func(s *Settings, v string) error {
				if !memoryLimitPattern.MatchString(v) {
					return fmt.Errorf("invalid memory limit %q: use a size such as 512MB, 2GB or 4GiB, or a share of RAM such as 50%%", v)
				}
				if share, ok := strings.CutSuffix(strings.TrimSpace(v), "%"); ok {
					if p, _ := strconv.ParseFloat(strings.TrimSpace(share), 64); p <= 0 || p > 100 {
						return fmt.Errorf("invalid memory limit %q: a share of RAM is more than 0%% and at most 100%%", v)
					}
				}
				s.MemoryLimit = v
				return nil
			}},
		{Flag: "log-level", Env: "INSTUDIO_LOG_LEVEL", Key: "log_level", Default: "info", Choices: logLevels,
			Help: "log level: " + orList(logLevels),
			set:  oneOf("log level", logLevels, func(s *Settings) *string { return &s.LogLevel })},
		{Flag: "log-format", Env: "INSTUDIO_LOG_FORMAT", Key: "log_format", Default: "text", Choices: []string{"text", "json"},
			Help: "log format on stderr: text or json",
			set:  oneOf("log format", []string{"text", "json"}, func(s *Settings) *string { return &s.LogFormat })},
		{Flag: "timezone", Env: "INSTUDIO_TIMEZONE", Key: "timezone", Default: "UTC",
			Help: "platform IANA time zone that decides what today is",
			set: func(s *Settings, v string) error {
				if _, err := time.LoadLocation(v); err != nil {
					return fmt.Errorf("invalid time zone %q: use an IANA name such as America/Lima", v)
				}
				s.TimeZone = v
				return nil
			}},
		{Flag: "lang", Env: "INSTUDIO_LANG", Key: "lang", Default: "en", Choices: report.Languages,
			DefaultHelp: "salons[].lang, then lang, then en",
			Help:        "language of the table, Markdown and HTML reports: " + orList(report.Languages),
			set: func(s *Settings, v string) error {
				s.Lang = v
				return report.Options{Lang: v}.Validate()
			}},
		{Env: "INSTUDIO_CURRENCY", Key: "currency", Default: report.DefaultCurrency,
			Help: "ISO 4217 code of the amounts",
			set: func(s *Settings, v string) error {
				s.Currency = v
				return report.Options{Currency: v}.Validate()
			}},
		{Flag: "s3-mode", Env: "INSTUDIO_S3_MODE", Key: "s3_mode", Default: "auto", Choices: s3Modes,
			Help: "how an s3:// source is read: httpfs, cache or auto",
			set:  oneOf("s3 mode", s3Modes, func(s *Settings) *string { return &s.S3Mode })},
		{Flag: "s3-endpoint", Env: "INSTUDIO_S3_ENDPOINT", Key: "s3_endpoint", DefaultHelp: "AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL",
			Help: "S3-compatible endpoint URL such as http://127.0.0.1:9000",
			set:  str(func(s *Settings) *string { return &s.S3Endpoint })},
		{Flag: "s3-region", Env: "INSTUDIO_S3_REGION", Key: "s3_region", DefaultHelp: "the AWS SDK's, else us-east-1",
			Help: "S3 region",
			set:  str(func(s *Settings) *string { return &s.S3Region })},
		{Flag: "profile", Env: "INSTUDIO_PROFILE", Key: "profile", DefaultHelp: "the AWS SDK's, AWS_PROFILE",
			Help: "AWS shared-config profile",
			set:  str(func(s *Settings) *string { return &s.Profile })},
		{Flag: "extension-dir", Env: "INSTUDIO_EXTENSION_DIR", Key: "extension_dir",
			Help: "directory of DuckDB extensions, for httpfs on offline hosts",
			set:  str(func(s *Settings) *string { return &s.ExtensionDir })},
		{Flag: "extension-repository", Env: "INSTUDIO_EXTENSION_REPOSITORY", Key: "extension_repository",
			Help: "DuckDB extension repository URL or directory to install httpfs from",
			set:  str(func(s *Settings) *string { return &s.ExtensionRepository })},
		{Flag: "cache-dir", Env: "INSTUDIO_CACHE_DIR", Key: "cache_dir", DefaultHelp: "$XDG_CACHE_HOME/instudio-report",
			DefaultOf: func(getenv func(string) string) string {
				// Without a base directory cache mode says so when it
				// needs the cache; other runs need none.
				dir, _ := xdg.Path(getenv, xdg.Cache, "")
				return strings.TrimSuffix(dir, "/")
			},
			Help: "where cache mode keeps copies of S3 objects",
			set:  str(func(s *Settings) *string { return &s.CacheDir })},
	}
}

// ConfigUsage is the help of --config.
const ConfigUsage = "config file (env " + ConfigEnv + "; default $XDG_CONFIG_HOME/instudio-report/config.yaml)"

// InvalidError is a setting's value that its check refused: the caller
// called the program wrongly (exit 2), wherever the value came from.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

// Resolve resolves every setting. flags holds the flags given on the
// command line, by name, as text; getenv reads the environment.
func Resolve(flags map[string]string, getenv func(string) string) (Settings, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	path, explicit := flags[ConfigFlag], true
	if _, given := flags[ConfigFlag]; !given {
		if path = getenv(ConfigEnv); path == "" {
			// No base directory: no default file, which is fine.
			path, _ = xdg.Path(getenv, xdg.Config, "config.yaml")
			explicit = false
		}
	}
	file, err := loadFile(path, explicit)
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	if file.loaded {
		s.ConfigFile = path
	}
	for _, row := range Table() {
		v, origin := row.Default, ""
		if row.DefaultOf != nil {
			v = row.DefaultOf(getenv)
		}
		if fv, ok := file.values[row.Key]; ok && row.Key != "" && fv != "" {
			v, origin = fv, "config "+path+": "+row.Key
		}
		if ev := getenv(row.Env); row.Env != "" && ev != "" {
			v, origin = ev, row.Env
		}
		if fl, ok := flags[row.Flag]; ok && row.Flag != "" {
			v, origin = fl, "--"+row.Flag
		}
		if v == "" && origin == "" {
			continue
		}
		if row.Int {
			if _, err := strconv.Atoi(v); err != nil {
				return Settings{}, &InvalidError{fmt.Errorf("%s: %q is not a whole number", origin, v)}
			}
		}
		if err := row.set(&s, v); err != nil {
			return Settings{}, &InvalidError{err}
		}
	}
	_, langFlag := flags["lang"]
	s.LangExplicit = langFlag || getenv("INSTUDIO_LANG") != ""
	_, s.FormatFlag = flags["format"]
	s.Salons, s.SMTP = file.salons, file.smtp
	if err := s.checkFile(path); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// checkFile checks the salons and the smtp block of the config file.
func (s Settings) checkFile(path string) error {
	if err := s.SMTP.Check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	seen := map[int64]bool{}
	for i, salon := range s.Salons {
		if salon.ID <= 0 {
			return fmt.Errorf("%s: salons[%d]: id must be a positive salon id, got %d", path, i, salon.ID)
		}
		if seen[salon.ID] {
			return fmt.Errorf("%s: salons[%d]: salon %d is listed twice", path, i, salon.ID)
		}
		seen[salon.ID] = true
		if err := (report.Options{Lang: salon.Lang, Currency: salon.Currency}).Validate(); err != nil {
			return fmt.Errorf("%s: salon %d: %w", path, salon.ID, err)
		}
		if err := mail.CheckAddresses(append(slices.Clip(salon.Email), salon.Cc...)); err != nil {
			return fmt.Errorf("%s: salon %d: %w", path, salon.ID, err)
		}
		if salon.TimeZone == "" {
			continue
		}
		if _, err := time.LoadLocation(salon.TimeZone); err != nil {
			return fmt.Errorf("%s: salon %d: invalid timezone %q: use an IANA name such as America/Lima", path, salon.ID, salon.TimeZone)
		}
	}
	return nil
}

// Salon returns the config entry of a salon, or a zero entry with its id.
func (s Settings) Salon(id int64) Salon {
	for _, c := range s.Salons {
		if c.ID == id {
			return c
		}
	}
	return Salon{ID: id}
}

// Configured says whether the config file lists the salon.
func (s Settings) Configured(id int64) bool {
	return slices.ContainsFunc(s.Salons, func(c Salon) bool { return c.ID == id })
}

// MailSalons are the salons the config names, as send mails them: each
// with its zone (the platform's when it names none), addresses, language
// and currency.
func (s Settings) MailSalons() ([]mail.Salon, error) {
	var salons []mail.Salon
	for _, c := range s.Salons {
		zone, err := s.SalonLocation(c.ID, s.Location())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.ConfigFile, err)
		}
		salons = append(salons, mail.Salon{ID: c.ID, Name: c.Name, Zone: zone, To: c.Email, Cc: c.Cc, Report: s.ReportOptions(c.ID)})
	}
	return salons, nil
}

// LogAttrs are the settings worth a debug line at the start of a run
// (never a secret), as slog key-value pairs.
func (s Settings) LogAttrs() []any {
	return []any{"config_file", s.ConfigFile, "source", s.Source, "timezone", s.TimeZone,
		"s3_mode", s.S3Mode, "s3_endpoint", s.S3Endpoint, "s3_region", s.S3Region, "profile", s.Profile,
		"extension_dir", s.ExtensionDir, "extension_repository", s.ExtensionRepository, "cache_dir", s.CacheDir}
}

// SalonIDs are the ids of the salons the config names, in its order.
func (s Settings) SalonIDs() []int64 {
	ids := make([]int64, len(s.Salons))
	for i, c := range s.Salons {
		ids[i] = c.ID
	}
	return ids
}

// ReportOptions is the language and currency of a salon's report: --lang
// or INSTUDIO_LANG, else the salon's own, else the platform's.
func (s Settings) ReportOptions(id int64) report.Options {
	c := s.Salon(id)
	opt := report.Options{Lang: s.Lang, Currency: s.Currency}
	if c.Lang != "" && !s.LangExplicit {
		opt.Lang = c.Lang
	}
	if c.Currency != "" {
		opt.Currency = c.Currency
	}
	return opt
}

// PlatformReportOptions is the language and currency of a document that
// is no one salon's: the platform's.
func (s Settings) PlatformReportOptions() report.Options {
	return report.Options{Lang: s.Lang, Currency: s.Currency}
}

// Location is the platform time zone (UTC if it cannot be loaded, which
// Resolve has ruled out).
func (s Settings) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Today is the date at now in the platform time zone.
func (s Settings) Today(now time.Time) time.Time {
	return report.Date(now.In(s.Location()))
}

// S3Options are the settings that reach S3: the profile, region and
// endpoint, with getenv for the SDK's endpoint variables.
func (s Settings) S3Options(getenv func(string) string) storage.S3Options {
	return storage.S3Options{Profile: s.Profile, Region: s.S3Region, Endpoint: s.S3Endpoint, Getenv: getenv}
}

// SalonLocation is a salon's time zone, else otherwise.
func (s Settings) SalonLocation(id int64, otherwise *time.Location) (*time.Location, error) {
	tz := s.Salon(id).TimeZone
	if tz == "" {
		return otherwise, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("salon %d: time zone %q: %w", id, tz, err)
	}
	return loc, nil
}

func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
