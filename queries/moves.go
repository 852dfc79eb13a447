package queries

import (
	"context"
	"fmt"
	"slices"
)

// Moves is what a moves index (layout/moves.go) tells a report about the
// source: which of its files the index covers, and the bookings that have
// rows at more than one salon among those files. With it, a report on a
// few salons finds their moved bookings without reading booking_id and
// salon_id of every row of the source: only the files the index does not
// cover are read for that.
type Moves struct {
	// Covered are files as the source's BookingFiles names them.
	Covered map[string]bool
	// Salons maps each booking seen at more than one salon among the
	// covered files to those salons.
	Salons map[int64][]int64
	// Ranges are the covered files' ranges of salon_id and booking_id
	// (every row of the file is inside both), by file; a covered file
	// without one is read as if no range ruled it out.
	Ranges map[string]FileRange
}

// FileRange is the smallest and largest salon_id and booking_id of a file.
type FileRange struct {
	SalonMin, SalonMax, BookingMin, BookingMax int64
}

// holdsSalon tells whether a file of range r (ok: a range is known) may hold
// a row at one of salons.
func holdsSalon(r FileRange, ok bool, salons []int64) bool {
	return !ok || slices.ContainsFunc(salons, func(s int64) bool { return s >= r.SalonMin && s <= r.SalonMax })
}

// holdsBooking tells whether a file of range r may hold one of bookings.
func holdsBooking(r FileRange, ok bool, bookings []int64) bool {
	return !ok || slices.ContainsFunc(bookings, func(b int64) bool { return b >= r.BookingMin && b <= r.BookingMax })
}

// UseMoves lets the reports of this session use m, until the next Attach.
// Nil, or an index that covers none of the files, leaves the full scan.
func (d *DB) UseMoves(ctx context.Context, m *Moves) error {
	d.moves, d.scopeIDs = nil, nil
	if m == nil {
		return nil
	}
	var covered, uncovered []string
	for _, f := range d.files {
		if m.Covered[f] {
			covered = append(covered, f)
		} else {
			uncovered = append(uncovered, f)
		}
	}
	if len(covered) == 0 {
		return nil
	}
	lead := []string{d.schemaFile}
	steps := []struct {
		what string
		sql  string
		args []any
	}{
		{"set covered files", "SET VARIABLE instudio_covered = $1::VARCHAR[]", []any{literalPaths(append(lead, covered...))}},
		{"set uncovered files", "SET VARIABLE instudio_uncovered = $1::VARCHAR[]", []any{literalPaths(append(lead, uncovered...))}},
		{"create moves views", Query("moves_views"), nil},
	}
	for _, s := range steps {
		if _, err := d.conn.ExecContext(ctx, s.sql, s.args...); err != nil {
			return fmt.Errorf("%s: %s", s.what, firstLine(err))
		}
	}
	d.moves = &movesState{covered: covered, uncovered: uncovered, salons: m.Salons, ranges: m.Ranges}
	return nil
}

// movesState is a moves index as the session uses it.
type movesState struct {
	covered, uncovered []string
	salons             map[int64][]int64
	ranges             map[string]FileRange
}

// filesOfSalons are the files that may hold rows at one of salons: every
// file the index does not cover, and the covered files whose salon range
// holds one of them.
func (m *movesState) filesOfSalons(salons []int64) []string {
	out := slices.Clone(m.uncovered)
	for _, f := range m.covered {
		r, ok := m.ranges[f]
		if holdsSalon(r, ok, salons) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// setScopeFiles points scope_rows.sql and scope_moved_rows.sql at files.
func (d *DB) setScopeFiles(ctx context.Context, files []string) error {
	_, err := d.conn.ExecContext(ctx, "SET VARIABLE instudio_scope_files = $1::VARCHAR[]", literalPaths(append([]string{d.schemaFile}, files...)))
	if err != nil {
		return fmt.Errorf("scope: %s", firstLine(err))
	}
	return nil
}

// scopeMovedWithIndex fills scope_moved, the (booking, salon) pairs of the
// rows that scope_rows' bookings have at other salons, from the index for
// the covered files and from the other files themselves.
func (d *DB) scopeMovedWithIndex(ctx context.Context, salonIDs []int64) error {
	m := d.moves
	anyUncovered := len(m.uncovered) > 0
	// The files the index does not cover are read as without an index.
	if anyUncovered {
		if err := d.execRead(ctx, Query("scope_moves_uncovered"), salonIDs); err != nil {
			return d.readError(err)
		}
	} else if _, err := d.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE scope_moved (booking_id BIGINT, salon_id BIGINT)"); err != nil {
		return fmt.Errorf("scope: %s", firstLine(err))
	}
	// The covered files' moves that touch these salons, from the index.
	var bookings, salons []int64
	for id, at := range m.salons {
		if !slices.ContainsFunc(at, func(s int64) bool { return slices.Contains(salonIDs, s) }) {
			continue
		}
		for _, s := range at {
			if !slices.Contains(salonIDs, s) {
				bookings, salons = append(bookings, id), append(salons, s)
			}
		}
	}
	if len(bookings) > 0 {
		_, err := d.conn.ExecContext(ctx, `
INSERT INTO scope_moved
SELECT DISTINCT booking_id, salon_id
FROM (SELECT unnest($1::BIGINT[]) AS booking_id, unnest($2::BIGINT[]) AS salon_id)
WHERE booking_id IN (SELECT booking_id FROM scope_rows)`, bookings, salons)
		if err != nil {
			return fmt.Errorf("scope: %s", firstLine(err))
		}
	}
	// The bookings that only the uncovered files hold here may have rows
	// at other salons in the covered files.
	// Only the covered files whose booking range holds one of them are
	// read for that: booking ids grow with time, so the bookings new in
	// the recent batch files are in no covered file's range.
	if anyUncovered {
		if err := d.execRead(ctx, Query("scope_moves_candidates"), m.covered); err != nil {
			return fmt.Errorf("scope: %s", firstLine(err))
		}
		candidates, err := int64Column(ctx, d.conn, "SELECT booking_id FROM scope_candidates")
		if err != nil {
			return fmt.Errorf("scope: %s", firstLine(err))
		}
		var read []string
		for _, f := range m.covered {
			if r, ok := m.ranges[f]; len(candidates) > 0 && holdsBooking(r, ok, candidates) {
				read = append(read, f)
			}
		}
		if len(read) > 0 {
			if _, err := d.conn.ExecContext(ctx, "SET VARIABLE instudio_covered = $1::VARCHAR[]", literalPaths(append([]string{d.schemaFile}, read...))); err != nil {
				return fmt.Errorf("scope: %s", firstLine(err))
			}
			if err := d.execRead(ctx, Query("scope_moves_covered"), salonIDs); err != nil {
				return d.readError(err)
			}
		}
	}
	return nil
}
