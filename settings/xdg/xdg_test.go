package xdg_test

import (
	"errors"
	"testing"

	"github.com/instudio/instudio-report/settings/xdg"
)

func TestPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		base xdg.Base
		env  map[string]string
		want string
	}{
		{"XDG first", xdg.State, map[string]string{"XDG_STATE_HOME": "/var/lib", "HOME": "/home/x"}, "/var/lib/instudio-report/f"},
		{"HOME", xdg.Cache, map[string]string{"HOME": "/home/x"}, "/home/x/.cache/instudio-report/f"},
		{"relative XDG falls to HOME", xdg.Config, map[string]string{"XDG_CONFIG_HOME": "conf", "HOME": "/home/x"}, "/home/x/.config/instudio-report/f"},
		{"other base's variable ignored", xdg.State, map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"}, "/h/.local/state/instudio-report/f"},
		{"nothing", xdg.State, nil, ""},
		{"HOME relative", xdg.State, map[string]string{"HOME": "home"}, ""},
	} {
		got, err := xdg.Path(func(k string) string { return tc.env[k] }, tc.base, "f")
		var none *xdg.NoBaseDirError
		if got != tc.want || (tc.want == "") != errors.As(err, &none) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	_, err := xdg.Path(nil, xdg.State, "ledger")
	if want := "no state directory: XDG_STATE_HOME and HOME are unset or not absolute paths"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
