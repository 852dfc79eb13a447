package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/instudio/instudio-report/booking"
	"github.com/instudio/instudio-report/report"
)

// BookingNotFoundError says that no event of a booking counts.
type BookingNotFoundError struct{ ID int64 }

func (e *BookingNotFoundError) Error() string {
	return fmt.Sprintf("booking %d not found", e.ID)
}

// BookingTimeline reads one booking's events (every stored copy) and its
// derived state.
func (d *DB) BookingTimeline(ctx context.Context, id int64) (report.Timeline, error) {
	rows, err := d.conn.QueryContext(ctx, Query("booking_events"), id)
	if err != nil {
		return report.Timeline{}, d.readError(err)
	}
	defer rows.Close()
	var events []booking.Event
	for rows.Next() {
		var e booking.Event
		if err := rows.Scan(&e.EventID, &e.EventType, &e.OccurredAt, &e.IngestedAt, &e.BookingID, &e.BookingDate,
			&e.Status, &e.UserID, &e.SalonID, &e.EmployeeID, &e.PaymentID, &e.Service, &e.AmountCents); err != nil {
			return report.Timeline{}, fmt.Errorf("booking_events: %w", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return report.Timeline{}, d.readError(err)
	}
	if len(events) == 0 {
		return report.Timeline{}, &BookingNotFoundError{ID: id}
	}
	var s report.BookingState
	err = d.conn.QueryRowContext(ctx, Query("booking_state"), id).Scan(&s.SalonID, &s.UserID, &s.EmployeeID, &s.BookingDate,
		&s.Status, &s.Service, &s.AmountCents, &s.CreatedAt, &s.UpdatedAt, &s.CanceledAt, &s.CompletedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return report.NewTimeline(id, events, nil), nil
	}
	if err != nil {
		return report.Timeline{}, fmt.Errorf("booking_state: %s", firstLine(err))
	}
	return report.NewTimeline(id, events, &s), nil
}
