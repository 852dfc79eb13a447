package output

import (
	"fmt"
	"strings"
)

// cobraSuggest starts the block of suggestions cobra appends to an unknown
// command's error.
const cobraSuggest = "\n\nDid you mean this?\n"

// OneLine folds a multi-line error message into the single line every
// error is printed as: cobra's suggestions become "(did you mean a or
// b?)", other lines are trimmed and joined with "; ".
func OneLine(msg string) string {
	if i := strings.Index(msg, cobraSuggest); i >= 0 {
		names := strings.Fields(msg[i+len(cobraSuggest):])
		msg = fmt.Sprintf("%s (did you mean %s?)", msg[:i], strings.Join(names, " or "))
	}
	lines := strings.FieldsFunc(msg, func(r rune) bool { return r == '\n' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "; ")
}
