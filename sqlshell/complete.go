package sqlshell

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/instudio/instudio-report/queries"
)

// names are the tables and views of the session with their columns, for
// completion. The shell drops them after every statement, which may have
// created or dropped one, and loads them again when next needed.
type names struct {
	tables  []string
	columns map[string][]string // by table
	all     []string            // every column name once
}

func (s *Shell) loadNames(ctx context.Context) (*names, error) {
	if s.names != nil {
		return s.names, nil
	}
	rows, err := s.conn.QueryContext(ctx, queries.Query("shell_columns"), nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := &names{columns: map[string][]string{}}
	seen := map[string]bool{}
	for rows.Next() {
		var table, column, typ string
		if err := rows.Scan(&table, &column, &typ); err != nil {
			return nil, err
		}
		if _, ok := n.columns[table]; !ok {
			n.tables = append(n.tables, table)
		}
		n.columns[table] = append(n.columns[table], column)
		if !seen[column] {
			seen[column] = true
			n.all = append(n.all, column)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Strings(n.all)
	s.names = n
	return n, nil
}

// keywords are the SQL words worth completing: the ones typed most.
func keywords() []string {
	return []string{
		"SELECT", "FROM", "WHERE", "GROUP", "ORDER", "BY", "HAVING", "LIMIT",
		"JOIN", "LEFT", "WITH", "DISTINCT", "COUNT", "DESCRIBE", "SUMMARIZE",
	}
}

// Complete offers the completions of the word before pos in line: a
// dot-command or its argument at the start of a line, else a table, a
// column (table.column after a table and a dot) or a keyword. It suits
// liner's WordCompleter: pos is the cursor's position in runes.
func (s *Shell) Complete(line string, pos int) (head string, completions []string, tail string) {
	// pos counts runes, as liner does.
	runes := []rune(line)
	pos = min(max(pos, 0), len(runes))
	head, tail = string(runes[:pos]), string(runes[pos:])

	if strings.HasPrefix(strings.TrimSpace(line), ".") {
		// A dot-command's argument is the rest of the line (a file name
		// may hold '/', '-' or spaces), so the word is all of it.
		lead := len(head) - len(strings.TrimLeft(head, " \t"))
		end := strings.IndexAny(head[lead:], " \t")
		if end < 0 {
			return head[:lead], s.completeCommand("", head[lead:]), tail
		}
		end += lead
		argStart := len(head) - len(strings.TrimLeft(head[end:], " \t"))
		return head[:argStart], s.completeCommand(head[lead:end], head[argStart:]), tail
	}
	start := strings.LastIndexAny(head, " \t(,=<>+-*/|;") + 1
	word := head[start:]
	head = head[:start]
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	n, err := s.loadNames(ctx)
	if err != nil {
		return head, nil, tail
	}
	var candidates []string
	if table, col, ok := strings.Cut(word, "."); ok {
		for _, c := range n.columns[table] {
			if hasPrefixFold(c, col) {
				candidates = append(candidates, table+"."+c)
			}
		}
		return head, candidates, tail
	}
	groups := [][]string{n.tables, n.all, keywords()}
	if afterTableKeyword(head) {
		groups = groups[:1]
	}
	for _, group := range groups {
		for _, c := range group {
			if hasPrefixFold(c, word) {
				candidates = append(candidates, matchCase(c, word))
			}
		}
	}
	return head, dedup(candidates), tail
}

// afterTableKeyword reports whether the word being typed follows a
// keyword that a table name follows, where only tables make sense.
func afterTableKeyword(head string) bool {
	words := strings.Fields(head)
	if len(words) == 0 {
		return false
	}
	switch strings.ToUpper(words[len(words)-1]) {
	case "FROM", "JOIN", "TABLE", "INTO", "UPDATE", "DESCRIBE", "SUMMARIZE":
		return true
	}
	return false
}

func (s *Shell) completeCommand(before, word string) []string {
	var out []string
	for _, c := range commands() {
		switch {
		case before == "":
			if strings.HasPrefix(c.name, word) {
				out = append(out, c.name)
			}
		case before == c.name:
			for _, v := range c.values {
				if strings.HasPrefix(v, word) {
					out = append(out, v)
				}
			}
			if c.files {
				out = append(out, completeFiles(word)...)
			}
			if c.name == ".schema" {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				if n, err := s.loadNames(ctx); err == nil {
					for _, t := range n.tables {
						if strings.HasPrefix(t, word) {
							out = append(out, t)
						}
					}
				}
				cancel()
			}
		}
	}
	return out
}

// completeFiles offers the files and directories whose path starts with
// word, relative to the working directory as .read and .output open them;
// a directory ends with "/" so that Tab goes on into it. Hidden entries
// are offered only once their dot is typed.
func completeFiles(word string) []string {
	dir, base := filepath.Split(word)
	entries, err := os.ReadDir(cmp.Or(dir, "."))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		path := dir + name
		if info, err := os.Stat(path); err == nil && info.IsDir() {
			path += "/"
		}
		out = append(out, path)
	}
	return out
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// matchCase writes a keyword in lower case when the user types in lower
// case; names keep their own case.
func matchCase(candidate, typed string) string {
	if typed != "" && typed == strings.ToLower(typed) && candidate == strings.ToUpper(candidate) {
		return strings.ToLower(candidate)
	}
	return candidate
}

func dedup(items []string) []string {
	seen := map[string]bool{}
	out := items[:0]
	for _, it := range items {
		if !seen[it] {
			seen[it] = true
			out = append(out, it)
		}
	}
	return out
}
