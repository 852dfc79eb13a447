package sqlshell

import (
	"context"
	"database/sql"
	"regexp"
	"strings"

	"github.com/instudio/instudio-report/queries"
)

// tableHint is DuckDB's suggestion for a missing table, on the line of the
// error or the next.
var tableHint = regexp.MustCompile(`Table with name .+? does not exist!(\s*Did you mean "([^"]+)"\?)`)

// dropForeignHint removes DuckDB's "Did you mean" from a missing-table
// error when the name it offers is not one of the session's own tables and
// views: DuckDB searches its catalog views too, and `nope` gets "Did you
// mean "pg_enum"?", which only misleads. A hint naming one of the session's
// views (booking: "bookings") stays.
func dropForeignHint(ctx context.Context, conn *sql.Conn, msg string) string {
	m := tableHint.FindStringSubmatchIndex(msg)
	if m == nil {
		return msg
	}
	name := msg[m[4]:m[5]]
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	var ours bool
	if err := conn.QueryRowContext(ctx, queries.Query("shell_has_table"), name).Scan(&ours); err == nil && ours {
		return msg
	}
	return msg[:m[2]] + msg[m[3]:]
}
