package sqlshell

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Column is a result column: its name and DuckDB type name (as the driver
// reports it: "BIGINT", "DECIMAL(18,2)", "VARCHAR[]", …).
type Column struct {
	Name string
	Type string
}

// numeric reports whether a column holds numbers, which tables align
// right.
func (c Column) numeric() bool {
	switch c.Type {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
		"UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"FLOAT", "DOUBLE", "BIGNUM":
		return true
	}
	return strings.HasPrefix(c.Type, "DECIMAL")
}

// text renders a value as DuckDB's own shell would, close enough for a
// reader: NULL for null, ISO dates and times, lists in brackets and strings
// inside them quoted.
func text(v any, typ string) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return v
	case time.Time:
		return formatTime(v, typ)
	case []byte:
		if typ == "UUID" && len(v) == 16 {
			u := duckdb.UUID(v)
			return u.String()
		}
	}
	return inner(v)
}

// inner renders a value nested in a list, struct or map, and every value
// whose rendering does not depend on its column type.
func inner(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case bool:
		return strconv.FormatBool(v)
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return fmt.Sprint(v)
	case float32:
		return formatFloat(float64(v), 32)
	case float64:
		return formatFloat(v, 64)
	case *big.Int:
		return v.String()
	case duckdb.Decimal:
		return formatDecimal(v)
	case duckdb.Interval:
		return formatInterval(v)
	case duckdb.UUID:
		return v.String()
	case time.Time:
		return formatTime(v, "")
	case []byte:
		return formatBlob(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = inner(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(v)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = "'" + k + "': " + inner(v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.Map:
		parts := make([]string, 0, len(v))
		for k, e := range v {
			parts = append(parts, inner(k)+"="+inner(e))
		}
		sort.Strings(parts)
		return "{" + strings.Join(parts, ", ") + "}"
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// formatFloat writes plain decimals for the numbers people read (no
// 1e+06), and exponents only for the very large and very small.
func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e15) {
		return strconv.FormatFloat(f, 'g', -1, bits)
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// formatDecimal keeps the scale's digits (12.50 stays 12.50), as DuckDB
// prints a DECIMAL.
func formatDecimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return "0"
	}
	digits := new(big.Int).Abs(d.Value).String()
	scale := int(d.Scale)
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if d.Value.Sign() < 0 {
		return "-" + digits
	}
	return digits
}

func formatInterval(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, name string) {
		if n == 0 {
			return
		}
		s := fmt.Sprintf("%d %s", n, name)
		if n != 1 && n != -1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	unit(int64(iv.Months/12), "year")
	unit(int64(iv.Months%12), "month")
	unit(int64(iv.Days), "day")
	if iv.Micros != 0 || len(parts) == 0 {
		micros := iv.Micros
		sign := ""
		if micros < 0 {
			sign, micros = "-", -micros
		}
		d := time.Duration(micros) * time.Microsecond
		clock := fmt.Sprintf("%s%02d:%02d:%02d", sign, int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60)
		if frac := micros % 1e6; frac != 0 {
			clock += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, clock)
	}
	return strings.Join(parts, " ")
}

// formatTime follows the column type: a DATE has no clock, a TIME no date,
// and a TIMESTAMPTZ shows its offset (the session runs in UTC).
func formatTime(t time.Time, typ string) string {
	switch typ {
	case "DATE":
		return t.Format(time.DateOnly)
	case "TIME":
		return t.Format("15:04:05.999999")
	case "TIMETZ":
		return t.Format("15:04:05.999999-07")
	case "TIMESTAMPTZ":
		return t.Format("2006-01-02 15:04:05.999999-07")
	case "TIMESTAMP_NS":
		return t.Format("2006-01-02 15:04:05.999999999")
	}
	return t.Format("2006-01-02 15:04:05.999999")
}

func formatBlob(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			sb.WriteString(`\x`)
			sb.WriteString(strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return sb.String()
}

// jsonValue is a value as JSON carries it: numbers stay numbers (exact
// for decimals and huge integers), null stays null, lists and structs
// nest, and everything else is the text of the table.
func jsonValue(v any, typ string) any {
	switch v := v.(type) {
	case nil, bool, string, int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return v
	case float32:
		return jsonFloat(float64(v), 32)
	case float64:
		return jsonFloat(v, 64)
	case *big.Int:
		return json.Number(v.String())
	case duckdb.Decimal:
		return json.Number(formatDecimal(v))
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = jsonValue(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = jsonValue(e, "")
		}
		return out
	case duckdb.Map:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[text(k, "")] = jsonValue(e, "")
		}
		return out
	}
	return text(v, typ)
}

// jsonFloat: JSON has no NaN or infinity, so those become strings.
func jsonFloat(f float64, bits int) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return formatFloat(f, bits)
	}
	return json.Number(formatFloat(f, bits))
}
