package sqlshell_test

import (
	"strings"
	"testing"

	"github.com/instudio/instudio-report/sqlshell"
)

// The history lives in the state directory and replrc in the config one;
// without a base directory a file is "", not a relative path.
func TestFiles(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	h, s := sqlshell.Files(env(map[string]string{"XDG_STATE_HOME": "/st", "XDG_CONFIG_HOME": "/cf", "HOME": "/home/x"}))
	if h != "/st/instudio-report/history" || s != "/cf/instudio-report/replrc" {
		t.Errorf("XDG: %q, %q", h, s)
	}
	h, s = sqlshell.Files(env(map[string]string{"HOME": "/home/x"}))
	if h != "/home/x/.local/state/instudio-report/history" || s != "/home/x/.config/instudio-report/replrc" {
		t.Errorf("HOME: %q, %q", h, s)
	}
	h, s = sqlshell.Files(env(map[string]string{"HOME": "relative"}))
	if h != "" || s != "" {
		t.Errorf("no base directory: %q, %q; want none", h, s)
	}
	if b := sqlshell.Banner("s3://b/p"); !strings.HasPrefix(b, "SQL on s3://b/p: ") || strings.Contains(b, "\n") {
		t.Errorf("banner %q", b)
	}
}
