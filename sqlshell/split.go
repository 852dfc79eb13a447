package sqlshell

import "strings"

// Statement is one SQL statement of a script, without its closing
// semicolon.
type Statement struct {
	Text string
	// Line is the line of the script (1-based) where the statement starts:
	// its first character that is not white space.
	Line int
}

// Split cuts src into the statements that a semicolon closes, and returns
// what follows the last of them (an unfinished statement, or white space
// and comments) with the line it starts on. A semicolon inside a string literal, a quoted identifier,
// a dollar-quoted string or a comment closes nothing. Statements that hold
// nothing but white space and comments are dropped. firstLine is the line
// number of src's first line.
func Split(src string, firstLine int) (stmts []Statement, rest string, restLine int) {
	line := firstLine
	start, startLine := 0, firstLine
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '\'' || c == '"':
			i, line = skipQuoted(src, i, line, c)
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && strings.HasPrefix(src[i:], "/*"):
			i, line = skipBlockComment(src, i, line)
		case c == '$':
			if tag, ok := dollarTag(src[i:]); ok {
				i, line = skipDollarQuoted(src, i, line, tag)
			} else {
				i++
			}
		case c == ';':
			if s, ok := statementOf(src[start:i], startLine); ok {
				stmts = append(stmts, s)
			}
			i++
			start, startLine = i, line
		default:
			i++
		}
	}
	return stmts, src[start:], startLine
}

// Rest is the statement left unfinished at the end of a script, if it
// holds any SQL: a script's last statement may go without a semicolon.
func Rest(rest string, line int) (Statement, bool) {
	return statementOf(rest, line)
}

// statementOf trims a statement's leading white space, moving its line
// number along, and reports whether any SQL is left once comments are
// ignored.
func statementOf(text string, line int) (Statement, bool) {
	trimmed := strings.TrimLeft(text, " \t\r\n")
	line += strings.Count(text[:len(text)-len(trimmed)], "\n")
	trimmed = strings.TrimRight(trimmed, " \t\r\n")
	if onlyComments(trimmed) {
		return Statement{}, false
	}
	return Statement{Text: trimmed, Line: line}, true
}

// onlyComments reports whether s is empty once its comments and white
// space are taken out.
func onlyComments(s string) bool {
	i := 0
	for i < len(s) {
		switch {
		case strings.ContainsRune(" \t\r\n", rune(s[i])):
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			i, _ = skipBlockComment(s, i, 0)
		default:
			return false
		}
	}
	return true
}

// skipQuoted skips a literal that starts with quote at src[i]; a doubled
// quote inside it is an escaped quote. An unclosed literal runs to the end.
func skipQuoted(src string, i, line int, quote byte) (int, int) {
	i++
	for i < len(src) {
		switch src[i] {
		case '\n':
			line++
		case quote:
			if i+1 < len(src) && src[i+1] == quote {
				i++
			} else {
				return i + 1, line
			}
		}
		i++
	}
	return i, line
}

// skipBlockComment skips /* … */; DuckDB's block comments do not nest.
func skipBlockComment(src string, i, line int) (int, int) {
	end := strings.Index(src[i+2:], "*/")
	if end < 0 {
		return len(src), line + strings.Count(src[i:], "\n")
	}
	stop := i + 2 + end + 2
	return stop, line + strings.Count(src[i:stop], "\n")
}

// dollarTag recognises the opening of a dollar-quoted string, $$ or $tag$.
// A positional parameter such as $1 is not one.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > 1 && c >= '0' && c <= '9'):
		default:
			return "", false
		}
	}
	return "", false
}

func skipDollarQuoted(src string, i, line int, tag string) (int, int) {
	body := i + len(tag)
	end := strings.Index(src[body:], tag)
	if end < 0 {
		return len(src), line + strings.Count(src[i:], "\n")
	}
	stop := body + end + len(tag)
	return stop, line + strings.Count(src[i:stop], "\n")
}
