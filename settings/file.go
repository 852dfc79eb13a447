package settings

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/instudio/instudio-report/mail"
)

// The config keys that hold more than one value, and what they decode to.
const (
	salonsKey = "salons"
	smtpKey   = "smtp"
)

// fileValues is what the config file says: the table's keys as text, and
// the salons and the smtp block.
type fileValues struct {
	loaded bool
	values map[string]string
	salons []Salon
	smtp   mail.Settings
}

// loadFile reads the YAML config. A missing default file is fine; a
// missing file that the user named is an error. Unknown keys are an
// error, with the nearest known key of the same block when one is close,
// so that a typo does not pass silently.
func loadFile(path string, explicit bool) (fileValues, error) {
	if path == "" {
		return fileValues{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return fileValues{}, nil
		}
		return fileValues{}, fmt.Errorf("config %s: %w", path, err)
	}
	f, err := parseFile(data)
	if err != nil {
		return fileValues{}, fmt.Errorf("config %s: %s", path, err)
	}
	f.loaded = true
	return f, nil
}

func parseFile(data []byte) (fileValues, error) {
	f := fileValues{values: map[string]string{}}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		return f, errors.New(yamlMessage(err))
	}
	top := doc.Content[0]
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return f, nil
	}
	if top.Kind != yaml.MappingNode {
		return f, fmt.Errorf("line %d: the file is not a list of keys and values", top.Line)
	}
	keys := []string{salonsKey, smtpKey}
	for _, row := range Table() {
		if row.Key != "" {
			keys = append(keys, row.Key)
		}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return f, fmt.Errorf("line %d: key %q is given twice", k.Line, k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case salonsKey:
			err = decodeStrict(v, &f.salons)
		case smtpKey:
			err = decodeStrict(v, &f.smtp)
		default:
			if !slices.Contains(keys, k.Value) {
				return f, unknownKey(k, keys)
			}
			if v.Kind != yaml.ScalarNode {
				return f, fmt.Errorf("line %d: %s takes one value", v.Line, k.Value)
			}
			if v.Tag != "!!null" {
				f.values[k.Value] = v.Value
			}
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// decodeStrict decodes n into out, refusing keys that out's type lacks.
func decodeStrict(n *yaml.Node, out any) error {
	if err := checkKeys(n, reflect.TypeOf(out).Elem()); err != nil {
		return err
	}
	if err := n.Decode(out); err != nil {
		return errors.New(yamlMessage(err))
	}
	return nil
}

// checkKeys walks n along t (structs by their yaml tags, slices by their
// elements) and refuses the first key that t does not have.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			if err := checkKeys(e, t.Elem()); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := map[string]reflect.Type{}
		var keys []string
		for f := range t.Fields() {
			if k, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); k != "" && k != "-" {
				fields[k] = f.Type
				keys = append(keys, k)
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			ft, ok := fields[n.Content[i].Value]
			if !ok {
				return unknownKey(n.Content[i], keys)
			}
			if err := checkKeys(n.Content[i+1], ft); err != nil {
				return err
			}
		}
	}
	return nil
}

func unknownKey(k *yaml.Node, keys []string) error {
	msg := fmt.Sprintf("line %d: unknown key %q", k.Line, k.Value)
	if near := nearest(k.Value, keys); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return errors.New(msg)
}

// yamlMessage turns a YAML decoding error into one line for a user.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	return strings.Join(strings.Fields(msg), " ")
}

// nearest is the key closest to key by edit distance, when it is at most
// 2 edits away (or 3 for a long key).
func nearest(key string, keys []string) string {
	best, bestDist := "", 3
	if len(key) > 8 {
		bestDist = 4
	}
	for _, k := range keys {
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
