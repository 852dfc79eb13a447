package output_test

import (
	"testing"

	"github.com/instudio/instudio-report/output"
)

func TestOneLineFoldsSuggestionsAndLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"unknown command \"salom\" for \"instudio-report\"\n\nDid you mean this?\n\tsalon\n\tsalons\n", `unknown command "salom" for "instudio-report" (did you mean salon or salons?)`},
		{"read x.parquet: bad\n  LINE 1: SELECT\n\n", "read x.parquet: bad; LINE 1: SELECT"},
	} {
		if got := output.OneLine(tc.in); got != tc.want {
			t.Errorf("OneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
