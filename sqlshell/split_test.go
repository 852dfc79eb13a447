package sqlshell

import (
	"reflect"
	"testing"
)

func TestSplitStatementsAndTheirLines(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []Statement
		rest     string
		restLine int
	}{
		{
			name: "two statements on one line",
			src:  "SELECT 1; SELECT 2;",
			want: []Statement{{"SELECT 1", 1}, {"SELECT 2", 1}},
		},
		{
			name: "a statement over lines starts at its first word",
			src:  "\n\n  SELECT 1,\n  2;\nSELECT 3",
			want: []Statement{{"SELECT 1,\n  2", 3}},
			rest: "\nSELECT 3", restLine: 4,
		},
		{
			name: "semicolons in strings, identifiers and comments",
			src:  "SELECT 'a;b', \"c;d\", 'it''s;' -- e;f\n, 1 /* g;\nh */ ;",
			want: []Statement{{"SELECT 'a;b', \"c;d\", 'it''s;' -- e;f\n, 1 /* g;\nh */", 1}},
		},
		{
			name: "dollar quotes, but not parameters",
			src:  "SELECT $$a;b$$, $t$c;$$;d$t$; SELECT $1;",
			want: []Statement{{"SELECT $$a;b$$, $t$c;$$;d$t$", 1}, {"SELECT $1", 1}},
		},
		{
			name: "empty statements and comments alone are dropped",
			src:  ";; -- only a comment;\n /* and; this */ ;\nSELECT 1;",
			want: []Statement{{"SELECT 1", 3}},
		},
		{
			name: "an unclosed string runs to the end",
			src:  "SELECT 'a;\nb;",
			rest: "SELECT 'a;\nb;", restLine: 1,
		},
		{
			name: "a leading comment belongs to the statement",
			src:  "SELECT 1;\n-- why\nSELECT 2;",
			want: []Statement{{"SELECT 1", 1}, {"-- why\nSELECT 2", 2}},
			rest: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rest, restLine := Split(tt.src, 1)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("statements = %+v, want %+v", got, tt.want)
			}
			if rest != tt.rest {
				t.Errorf("rest = %q, want %q", rest, tt.rest)
			}
			if tt.rest != "" && restLine != tt.restLine {
				t.Errorf("rest line = %d, want %d", restLine, tt.restLine)
			}
		})
	}
}

func TestRestIsTheUnterminatedLastStatement(t *testing.T) {
	tests := []struct {
		rest string
		want Statement
		ok   bool
	}{
		{"\n  SELECT 5\n", Statement{"SELECT 5", 2}, true},
		{"  -- nothing\n/* more */\n", Statement{}, false},
		{"", Statement{}, false},
	}
	for _, tt := range tests {
		got, ok := Rest(tt.rest, 1)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Rest(%q) = %v, %v; want %v, %v", tt.rest, got, ok, tt.want, tt.ok)
		}
	}
}
