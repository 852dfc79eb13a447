// Command bench is `make bench`: it generates the bench data sets once into
// a cache directory, runs every step of the table below as interleaved
// runs of the built binaries, and writes BENCHMARKS.md with the machine, the
// commands, the medians with min–max of wall time and peak RSS, and ratios.
//
//	go run ./bench -bin bin/instudio-report -cache .bench -out BENCHMARKS.md [-runs 5] [-only REGEXP]
//
// To add a step, add a row to steps(): a name, what it shows, and the
// commands to compare. The first command of a step is the baseline that the
// others' ratios are taken against.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// benchNow is the clock of every data set, so that runs measure the same
// thing whenever they are made.
const benchNow = "2026-11-27T12:00:00Z"

// A dataset is generated once by `instudio-report demo` into the cache.
type dataset struct {
	name string
	what string
	args []string // demo flags besides --dest and --now
}

func datasets() []dataset {
	return []dataset{
		{"1m", "about 1M events, 40 salons, 540 days, batch files", []string{"--salons", "40", "--days", "540", "--seed", "1"}},
		{"5m", "about 5M events, 200 salons, 540 days, batch files", []string{"--salons", "200", "--days", "540", "--seed", "1"}},
		{"10m", "about 10M events, 410 salons, 540 days, batch files", []string{"--salons", "410", "--days", "540", "--seed", "1"}},
		{"100k", "about 100k events, 10 salons, 190 days, batch files", []string{"--salons", "10", "--days", "190", "--seed", "1"}},
		{"100k-per-event", "the same 100k events, one file per event (the seed's layout)", []string{"--salons", "10", "--days", "190", "--seed", "1", "--file-per-event"}},
	}
}

// A command is one program run. In args, {data:NAME} is the cache directory
// of data set NAME, {bin} the CLI and {direct} the reference program.
type command struct {
	label string
	args  []string
}

type step struct {
	name  string
	what  string
	needs string // a subcommand the CLI must have, else the step is skipped
	cmds  []command
}

// Periods of the salon report, ending at the bench clock's date.
const (
	to      = "2026-11-27"
	from7   = "2026-11-20"
	from30  = "2026-10-28"
	from365 = "2025-11-27"
)

func salon(data, from string) command {
	return command{"salon --id 1 over " + data + ", " + from + " to " + to,
		[]string{"{bin}", "--source", "{data:" + data + "}", "salon", "--id", "1", "--from", from, "--to", to, "-o", "json"}}
}

func direct(data, from string) command {
	return command{"direct SQL over " + data + ", " + from + " to " + to,
		[]string{"{direct}", "-source", "{data:" + data + "}", "-salon", "1", "-from", from, "-to", to}}
}

// steps is the table of comparisons. Keep the cheap ones first.
func steps() []step {
	return []step{
		{name: "overhead-1m", what: "salon (last 30 days) over 1M events against its own SQL run directly",
			cmds: []command{direct("1m", from30), salon("1m", from30)}},
		{name: "anchor-1m", what: "salon (last 30 days) over 1M events against the hand-written headline query (bench/direct -anchor; target: ≤ 1.5×)",
			cmds: []command{
				{"direct -anchor over 1m, " + from30 + " to " + to, []string{"{direct}", "-anchor", "-source", "{data:1m}", "-salon", "1", "-from", from30, "-to", to}},
				salon("1m", from30),
			}},
		{name: "overhead-5m", what: "the same over 5M events",
			cmds: []command{direct("5m", from30), salon("5m", from30)}},
		{name: "overhead-10m", what: "the same over 10M events (target: salon ≤ 1.3× direct, < 1.5 s, < 1 GiB)",
			cmds: []command{direct("10m", from30), salon("10m", from30)}},
		{name: "period-10m", what: "salon over 10M events for periods of 7, 30 and 365 days",
			cmds: []command{salon("10m", from7), salon("10m", from30), salon("10m", from365)}},
		{name: "salons-1m", what: "every salon of the 1M data set in one run against one salon (target: ≤ 2×)", needs: "salons",
			cmds: []command{salon("1m", from30), {"salons (all 40) over 1m", []string{"{bin}", "--source", "{data:1m}", "salons", "--from", from30, "--to", to, "-o", "json"}}}},
		{name: "before-after-10m", what: "salon over 10M events: the binary given with -before (for example one built at an older commit) against this one",
			cmds: []command{
				{"before: salon --id 1 over 10m, " + from30 + " to " + to, []string{"{before}", "--source", "{data:10m}", "salon", "--id", "1", "--from", from30, "--to", to, "-o", "json"}},
				salon("10m", from30),
			}},
		{name: "per-event-100k", what: "100k events in batch files against one file per event",
			cmds: []command{salon("100k", from30), salon("100k-per-event", from30)}},
	}
}

type measure struct {
	wall time.Duration
	cpu  time.Duration // user + system
	rss  int64         // KiB
}

type flags struct {
	bin, direct, cache, out string
	before                  string
	runs                    int
	only                    *regexp.Regexp
}

func main() {
	var f flags
	var only string
	flag.StringVar(&f.bin, "bin", "bin/instudio-report", "the CLI to measure")
	flag.StringVar(&f.before, "before", "", "an older build of the CLI, for the before-after step")
	flag.StringVar(&f.cache, "cache", ".bench", "where the data sets are generated, once")
	flag.StringVar(&f.out, "out", "BENCHMARKS.md", "the report to write")
	flag.IntVar(&f.runs, "runs", 5, "timed runs of each command (after one warm-up)")
	flag.StringVar(&only, "only", "", "run only the steps whose name matches this regexp")
	flag.Parse()
	f.only = regexp.MustCompile(only)
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(f flags) error {
	start := time.Now()
	var err error
	if f.bin, err = filepath.Abs(f.bin); err != nil {
		return err
	}
	if err := os.MkdirAll(f.cache, 0o755); err != nil {
		return err
	}
	// The reference is built, not `go run`, so that its time is its own.
	f.direct = filepath.Join(f.cache, "direct")
	if out, err := exec.Command("go", "build", "-o", f.direct, "./bench/direct").CombinedOutput(); err != nil {
		return fmt.Errorf("build the reference: %v\n%s", err, out)
	}

	var md bytes.Buffer
	header(&md, f)
	fmt.Fprintf(&md, "## Data sets\n\nGenerated once into `%s` by the CLI's own `demo` (`--now %s`); a cached set is reused.\n\n", f.cache, benchNow)
	fmt.Fprintln(&md, "| name | what | events | files | size | demo wall | demo peak RSS | command |")
	fmt.Fprintln(&md, "|---|---|---:|---:|---:|---:|---:|---|")
	for _, d := range datasets() {
		info, err := ensure(f, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(&md, "| %s | %s | %s | %s | %s | %s | %s | `%s` |\n", d.name, d.what, info.Events, info.Files,
			mib(info.Bytes/1024), secs(info.Wall), mib(info.RSS), info.Command)
	}
	fmt.Fprintln(&md)

	for _, s := range steps() {
		if !f.only.MatchString(s.name) {
			continue
		}
		if usesBefore(s) && f.before == "" {
			fmt.Fprintf(&md, "## %s\n\n%s.\n\nSkipped: no -before binary given (`make bench BENCH_BEFORE=path`).\n\n", s.name, s.what)
			continue
		}
		if s.needs != "" && exec.Command(f.bin, s.needs, "--help").Run() != nil {
			fmt.Fprintf(&md, "## %s\n\n%s.\n\nSkipped: this build has no `%s` command.\n\n", s.name, s.what, s.needs)
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s\n", s.name)
		results, err := runStep(f, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		writeStep(&md, f, s, results)
	}
	if f.only.MatchString("profile") {
		if err := profile(&md, f); err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}
	fmt.Fprintf(&md, "_`make bench` took %s._\n", time.Since(start).Round(time.Second))
	if notes, err := os.ReadFile(filepath.Join("bench", "NOTES.md")); err == nil {
		fmt.Fprintf(&md, "\n%s", notes)
	}
	return os.WriteFile(f.out, md.Bytes(), 0o644)
}

func header(w io.Writer, f flags) {
	cpu := "unknown"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); m != nil {
			cpu = string(m[1])
		}
	}
	mem := "unknown"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if m := regexp.MustCompile(`(?m)^MemTotal:\s*(\d+) kB`).FindSubmatch(b); m != nil {
			kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
			mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	version, _ := exec.Command(f.bin, "version").Output()
	fmt.Fprintf(w, "# Benchmarks\n\nWritten by `make bench` (`go run ./bench`, see bench/main.go); rerun it to reproduce every figure below.\n\n")
	fmt.Fprintf(w, "- date: %s\n- machine: %d CPUs (`nproc`), %s memory, %s, %s/%s\n- load average when the run started: %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), mem, cpu, runtime.GOOS, runtime.GOARCH, load)
	fmt.Fprintf(w, "- binary: %s\n", strings.Join(strings.Fields(string(version)), " "))
	fmt.Fprintf(w, "- method: every command runs once untimed (warm page cache), then %d timed runs, interleaved with the other commands of its step, the order rotating each round; wall time, CPU time (user+system) and peak RSS of the child process (getrusage); on a shared machine CPU time is the steadier figure. Medians, with min–max. Ratios are of medians, against the step's first command.\n\n", f.runs)
}

type datasetInfo struct {
	Events, Files, Command string
	Bytes, RSS             int64
	Wall                   time.Duration
}

// ensure generates a data set unless the cache has it.
func ensure(f flags, d dataset) (datasetInfo, error) {
	dir := filepath.Join(f.cache, d.name)
	stamp := dir + ".json"
	var info datasetInfo
	if b, err := os.ReadFile(stamp); err == nil && json.Unmarshal(b, &info) == nil {
		return info, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return info, err
	}
	args := append([]string{"demo", "--dest", dir, "--now", benchNow}, d.args...)
	fmt.Fprintf(os.Stderr, "bench: generating %s: %s %s\n", d.name, f.bin, strings.Join(args, " "))
	m, stderr, err := measureRun(f.bin, args)
	if err != nil {
		return info, fmt.Errorf("demo %s: %w: %s", d.name, err, stderr)
	}
	summary := regexp.MustCompile(`wrote ([0-9,]+) events in ([0-9,]+) files`).FindStringSubmatch(stderr)
	if summary == nil {
		return info, fmt.Errorf("demo %s: no summary in %q", d.name, stderr)
	}
	info = datasetInfo{Events: summary[1], Files: summary[2], Wall: m.wall, RSS: m.rss,
		Command: "instudio-report " + strings.Join(args[:1], " ") + " --dest DIR " + strings.Join(args[3:], " ")}
	_ = filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if fi, err := e.Info(); err == nil {
				info.Bytes += fi.Size()
			}
		}
		return nil
	})
	b, _ := json.Marshal(info)
	return info, os.WriteFile(stamp, b, 0o644)
}

// measureRun runs a program and measures its wall time and peak RSS.
func measureRun(name string, args []string) (measure, string, error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m := measure{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss // KiB on Linux
		m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return m, stderr.String(), err
}

func usesBefore(s step) bool {
	for _, c := range s.cmds {
		if slices.Contains(c.args, "{before}") {
			return true
		}
	}
	return false
}

func expand(f flags, args []string) (string, []string) {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case a == "{bin}":
			a = f.bin
		case a == "{before}":
			a = f.before
		case a == "{direct}":
			a = f.direct
		case strings.HasPrefix(a, "{data:"):
			a = filepath.Join(f.cache, strings.TrimSuffix(strings.TrimPrefix(a, "{data:"), "}"))
		}
		out[i] = a
	}
	return out[0], out[1:]
}

// runStep warms every command up once, then runs them round-robin, the
// order rotating each round so that no command always follows the same one.
func runStep(f flags, s step) ([][]measure, error) {
	results := make([][]measure, len(s.cmds))
	for round := -1; round < f.runs; round++ {
		for k := range s.cmds {
			i := (k + max(round, 0)) % len(s.cmds)
			name, args := expand(f, s.cmds[i].args)
			m, stderr, err := measureRun(name, args)
			if err != nil {
				return nil, fmt.Errorf("%s: %w: %s", s.cmds[i].label, err, stderr)
			}
			if round >= 0 {
				results[i] = append(results[i], m)
			}
		}
	}
	return results, nil
}

func writeStep(w io.Writer, f flags, s step, results [][]measure) {
	fmt.Fprintf(w, "## %s\n\n%s.\n\n", s.name, s.what)
	fmt.Fprintln(w, "| command | wall, median (min–max) | CPU user+sys, median | peak RSS, median (min–max) | wall ratio | CPU ratio | RSS ratio |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	base := summarize(results[0])
	for i, c := range s.cmds {
		sm := summarize(results[i])
		ratio, cpuRatio, rssRatio := "1", "1", "1"
		if i > 0 {
			ratio = fmt.Sprintf("%.2f×", sm.wall.Seconds()/base.wall.Seconds())
			cpuRatio = fmt.Sprintf("%.2f×", sm.cpu.Seconds()/base.cpu.Seconds())
			rssRatio = fmt.Sprintf("%.2f×", float64(sm.rss)/float64(base.rss))
		}
		fmt.Fprintf(w, "| %s | %s (%s–%s) | %s | %s (%s–%s) | %s | %s | %s |\n", c.label,
			secs(sm.wall), secs(sm.minWall), secs(sm.maxWall), secs(sm.cpu), mib(sm.rss), mib(sm.minRSS), mib(sm.maxRSS), ratio, cpuRatio, rssRatio)
	}
	fmt.Fprintln(w, "\nCommands (DATA is the cache directory of the data set):")
	fmt.Fprintln(w, "\n```")
	for _, c := range s.cmds {
		args := make([]string, len(c.args))
		for i, a := range c.args {
			switch {
			case a == "{bin}":
				a = "bin/instudio-report"
			case a == "{before}":
				a = "BEFORE"
			case a == "{direct}":
				a = "go run ./bench/direct"
			case strings.HasPrefix(a, "{data:"):
				a = filepath.Join(f.cache, strings.TrimSuffix(strings.TrimPrefix(a, "{data:"), "}"))
			}
			args[i] = a
		}
		fmt.Fprintln(w, strings.Join(args, " "))
	}
	fmt.Fprint(w, "```\n\n")
}

type summary struct {
	wall, minWall, maxWall time.Duration
	cpu                    time.Duration
	rss, minRSS, maxRSS    int64
}

func summarize(ms []measure) summary {
	walls := make([]time.Duration, len(ms))
	cpus := make([]time.Duration, len(ms))
	rss := make([]int64, len(ms))
	for i, m := range ms {
		walls[i], cpus[i], rss[i] = m.wall, m.cpu, m.rss
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	slices.Sort(rss)
	return summary{
		wall: median(walls), minWall: walls[0], maxWall: walls[len(walls)-1], cpu: median(cpus),
		rss: median(rss), minRSS: rss[0], maxRSS: rss[len(rss)-1],
	}
}

func median[T time.Duration | int64](sorted []T) T {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mib(kib int64) string { return fmt.Sprintf("%d MiB", kib/1024) }

// profile shows where the time of the 10M-event salon report goes: DuckDB's
// EXPLAIN ANALYZE of the statement that reads the files, and a Go CPU
// profile of the CLI doing the whole report.
func profile(w io.Writer, f flags) error {
	fmt.Fprintln(os.Stderr, "bench: profile")
	data := filepath.Join(f.cache, "10m")
	plan, err := exec.Command(f.direct, "-explain", "scope_rows", "-source", data, "-salon", "1", "-from", from30, "-to", to).Output()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "## profile\n\nWhere the time of `salon --id 1` over 10M events goes. DuckDB's plan of the statement that reads the files (scope_rows), from `go run ./bench/direct -explain scope_rows -source %s -salon 1 -from %s -to %s`; operator times are summed over threads:\n\n```\n%s```\n\n", data, from30, to, plan)
	prof := filepath.Join(f.cache, "cli.pprof")
	cmd := exec.Command(f.bin, "--source", data, "salon", "--id", "1", "--from", from30, "--to", to, "-o", "json")
	cmd.Env = append(os.Environ(), "INSTUDIO_CPUPROFILE="+prof)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	if _, err := os.Stat(prof); err != nil {
		fmt.Fprintln(w, "This build writes no CPU profile (INSTUDIO_CPUPROFILE).")
		fmt.Fprintln(w)
		return nil
	}
	top, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=15", f.bin, prof).Output()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Go CPU profile of the CLI (`INSTUDIO_CPUPROFILE=%s bin/instudio-report ...`, then `go tool pprof -top -nodecount=15 bin/instudio-report %s`):\n\n```\n%s```\n\n", prof, prof, top)
	return nil
}
