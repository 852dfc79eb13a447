-- name: booking_state
-- params: $1 booking id (BIGINT).
--
-- One booking's current state as the bookings view derives it.
SELECT
    salon_id, user_id, employee_id, booking_date, status, service, amount_cents,
    created_at, updated_at, canceled_at, completed_at
FROM bookings
WHERE booking_id = $1;
