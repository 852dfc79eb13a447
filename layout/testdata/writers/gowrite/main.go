// Command gowrite writes the Go writers' files of the corpus in
// layout/testdata/writers from fixture.json, each with its writer's natural
// encodings:
//
//	parquet-go/        parquet-go's generic writer with plain struct fields:
//	                   TIMESTAMP(NANOS) times, no compression.
//	parquet-go-delta/  parquet-go with delta encodings, LZ4_RAW, data page
//	                   v1 and millisecond times.
//	arrow-go/          arrow-go's pqarrow with its default writer
//	                   properties (the schema root is REPEATED), times as
//	                   arrow timestamp[ns].
//	duckdb/            DuckDB's own COPY ... TO (FORMAT parquet) through
//	                   the Go driver: INTEGER legacy ids, TIMESTAMP WITH TIME
//	                   ZONE instants.
//
// Run from this folder: go run .  (a module of its own, so that the
// project's go.mod never needs arrow-go's writer; go build ./... never
// builds it). Being its own module it cannot import booking.Columns: the
// row structs and the arrow schema below are a copy of the 13 columns,
// to change with them.
package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/parquet-go/parquet-go"
)

// dir is the corpus, this folder's parent.
const dir = ".."
const day = "dt=2026-03-02"

type fixtureEvent struct {
	EventID     string  `json:"event_id"`
	EventType   string  `json:"event_type"`
	OccurredAt  string  `json:"occurred_at"`
	IngestedAt  string  `json:"ingested_at"`
	BookingID   int64   `json:"booking_id"`
	BookingDate string  `json:"booking_date"`
	Status      int32   `json:"status"`
	UserID      *int64  `json:"user_id"`
	SalonID     int64   `json:"salon_id"`
	EmployeeID  *int64  `json:"employee_id"`
	PaymentID   *int64  `json:"payment_id"`
	Service     *string `json:"service"`
	AmountCents *int64  `json:"amount_cents"`
}

type fixtureLegacy struct {
	File        string `json:"file"`
	BookingID   int32  `json:"booking_id"`
	BookingDate string `json:"booking_date"`
	Status      int32  `json:"status"`
	UserID      *int32 `json:"user_id"`
	SalonID     int32  `json:"salon_id"`
	EmployeeID  *int32 `json:"employee_id"`
	PaymentID   *int32 `json:"payment_id"`
}

type fixture struct {
	Events []fixtureEvent  `json:"events"`
	Legacy []fixtureLegacy `json:"legacy"`
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		log.Fatal(err)
	}
	return t.UTC()
}

func wall(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		log.Fatal(err)
	}
	return t
}

func write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

// parquet-go, plain struct fields: what a Go service writes without tags.
type pgEvent struct {
	EventID     string    `parquet:"event_id"`
	EventType   string    `parquet:"event_type"`
	OccurredAt  time.Time `parquet:"occurred_at"`
	IngestedAt  time.Time `parquet:"ingested_at"`
	BookingID   int64     `parquet:"booking_id"`
	BookingDate time.Time `parquet:"booking_date"`
	Status      int32     `parquet:"status"`
	UserID      *int64    `parquet:"user_id"`
	SalonID     int64     `parquet:"salon_id"`
	EmployeeID  *int64    `parquet:"employee_id"`
	PaymentID   *int64    `parquet:"payment_id"`
	Service     *string   `parquet:"service"`
	AmountCents *int64    `parquet:"amount_cents"`
}

type pgLegacy struct {
	BookingID   *int32    `parquet:"booking_id"`
	BookingDate time.Time `parquet:"booking_date"`
	Status      *int32    `parquet:"status"`
	UserID      *int32    `parquet:"user_id"`
	SalonID     *int32    `parquet:"salon_id"`
	EmployeeID  *int32    `parquet:"employee_id"`
	PaymentID   *int32    `parquet:"payment_id"`
}

// The delta variant: the encodings a tuned parquet-go writer picks.
type pgDeltaEvent struct {
	EventID     string    `parquet:"event_id,delta"`
	EventType   string    `parquet:"event_type,dict"`
	OccurredAt  time.Time `parquet:"occurred_at,timestamp(millisecond),delta"`
	IngestedAt  time.Time `parquet:"ingested_at,timestamp(millisecond),delta"`
	BookingID   int64     `parquet:"booking_id,delta"`
	BookingDate time.Time `parquet:"booking_date,timestamp(millisecond),delta"`
	Status      int32     `parquet:"status,delta"`
	UserID      *int64    `parquet:"user_id"`
	SalonID     int64     `parquet:"salon_id,delta"`
	EmployeeID  *int64    `parquet:"employee_id"`
	PaymentID   *int64    `parquet:"payment_id"`
	Service     *string   `parquet:"service,dict"`
	AmountCents *int64    `parquet:"amount_cents"`
}

type pgDeltaLegacy struct {
	BookingID   int32     `parquet:"booking_id,delta"`
	BookingDate time.Time `parquet:"booking_date,timestamp(millisecond),delta"`
	Status      int32     `parquet:"status,delta"`
	UserID      *int32    `parquet:"user_id"`
	SalonID     int32     `parquet:"salon_id,delta"`
	EmployeeID  *int32    `parquet:"employee_id"`
	PaymentID   *int32    `parquet:"payment_id"`
}

func encode[T any](rows []T, opts ...parquet.WriterOption) []byte {
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, opts...)
	if _, err := w.Write(rows); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func parquetGo(fx fixture) {
	var evs []pgEvent
	var dev []pgDeltaEvent
	for _, e := range fx.Events {
		evs = append(evs, pgEvent{e.EventID, e.EventType, utc(e.OccurredAt), utc(e.IngestedAt), e.BookingID, wall(e.BookingDate), e.Status, e.UserID, e.SalonID, e.EmployeeID, e.PaymentID, e.Service, e.AmountCents})
		dev = append(dev, pgDeltaEvent(evs[len(evs)-1]))
	}
	write(filepath.Join(dir, "parquet-go", "bookings", day, "batch-parquet-go.parquet"), encode(evs))
	delta := []parquet.WriterOption{parquet.Compression(&parquet.Lz4Raw), parquet.DataPageVersion(1)}
	write(filepath.Join(dir, "parquet-go-delta", "bookings", day, "batch-parquet-go-delta.parquet"), encode(dev, delta...))
	for _, l := range fx.Legacy {
		id, st, salon := l.BookingID, l.Status, l.SalonID
		write(filepath.Join(dir, "parquet-go", l.File), encode([]pgLegacy{{&id, wall(l.BookingDate), &st, l.UserID, &salon, l.EmployeeID, l.PaymentID}}))
		write(filepath.Join(dir, "parquet-go-delta", l.File), encode([]pgDeltaLegacy{{l.BookingID, wall(l.BookingDate), l.Status, l.UserID, l.SalonID, l.EmployeeID, l.PaymentID}}, delta...))
	}
}

func arrowGo(fx fixture) {
	mem := memory.NewGoAllocator()
	ts := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	wallTS := &arrow.TimestampType{Unit: arrow.Nanosecond}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "event_id", Type: arrow.BinaryTypes.String},
		{Name: "event_type", Type: arrow.BinaryTypes.String},
		{Name: "occurred_at", Type: ts},
		{Name: "ingested_at", Type: ts},
		{Name: "booking_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "booking_date", Type: wallTS},
		{Name: "status", Type: arrow.PrimitiveTypes.Int32},
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "salon_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "employee_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "payment_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "service", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "amount_cents", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	optInt := func(fb *array.Int64Builder, v *int64) {
		if v == nil {
			fb.AppendNull()
		} else {
			fb.Append(*v)
		}
	}
	for _, e := range fx.Events {
		b.Field(0).(*array.StringBuilder).Append(e.EventID)
		b.Field(1).(*array.StringBuilder).Append(e.EventType)
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(utc(e.OccurredAt).UnixNano()))
		b.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(utc(e.IngestedAt).UnixNano()))
		b.Field(4).(*array.Int64Builder).Append(e.BookingID)
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(wall(e.BookingDate).UnixNano()))
		b.Field(6).(*array.Int32Builder).Append(e.Status)
		optInt(b.Field(7).(*array.Int64Builder), e.UserID)
		b.Field(8).(*array.Int64Builder).Append(e.SalonID)
		optInt(b.Field(9).(*array.Int64Builder), e.EmployeeID)
		optInt(b.Field(10).(*array.Int64Builder), e.PaymentID)
		if e.Service == nil {
			b.Field(11).(*array.StringBuilder).AppendNull()
		} else {
			b.Field(11).(*array.StringBuilder).Append(*e.Service)
		}
		optInt(b.Field(12).(*array.Int64Builder), e.AmountCents)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	write(filepath.Join(dir, "arrow-go", "bookings", day, "batch-arrow-go.parquet"), arrowFile(rec))

	lschema := arrow.NewSchema([]arrow.Field{
		{Name: "booking_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "booking_date", Type: wallTS, Nullable: true},
		{Name: "status", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "user_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "salon_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "employee_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "payment_id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	for _, l := range fx.Legacy {
		lb := array.NewRecordBuilder(mem, lschema)
		opt32 := func(fb *array.Int32Builder, v *int32) {
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(*v)
			}
		}
		lb.Field(0).(*array.Int32Builder).Append(l.BookingID)
		lb.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(wall(l.BookingDate).UnixNano()))
		lb.Field(2).(*array.Int32Builder).Append(l.Status)
		opt32(lb.Field(3).(*array.Int32Builder), l.UserID)
		lb.Field(4).(*array.Int32Builder).Append(l.SalonID)
		opt32(lb.Field(5).(*array.Int32Builder), l.EmployeeID)
		opt32(lb.Field(6).(*array.Int32Builder), l.PaymentID)
		r := lb.NewRecordBatch()
		write(filepath.Join(dir, "arrow-go", l.File), arrowFile(r))
		r.Release()
		lb.Release()
	}
}

// arrowFile writes one record with pqarrow's defaults: nil writer
// properties are parquet.NewWriterProperties(), whose root repetition is
// REPEATED.
func arrowFile(rec arrow.RecordBatch) []byte {
	var buf bytes.Buffer
	w, err := pqarrow.NewFileWriter(rec.Schema(), &buf, nil, pqarrow.DefaultWriterProps())
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

func duckDB(fx fixture) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			log.Fatalf("%s: %v", q, err)
		}
	}
	exec(`SET TimeZone = 'UTC'`)
	exec(`CREATE TABLE ev (event_id VARCHAR, event_type VARCHAR, occurred_at TIMESTAMPTZ, ingested_at TIMESTAMPTZ,
		booking_id BIGINT, booking_date TIMESTAMP, status INTEGER, user_id BIGINT, salon_id BIGINT,
		employee_id BIGINT, payment_id BIGINT, service VARCHAR, amount_cents BIGINT)`)
	for _, e := range fx.Events {
		exec(`INSERT INTO ev VALUES (?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?)`,
			e.EventID, e.EventType, e.OccurredAt, e.IngestedAt, e.BookingID, e.BookingDate, e.Status,
			e.UserID, e.SalonID, e.EmployeeID, e.PaymentID, e.Service, e.AmountCents)
	}
	out := filepath.Join(dir, "duckdb", "bookings", day, "batch-duckdb.parquet")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		log.Fatal(err)
	}
	exec(`COPY ev TO '` + out + `' (FORMAT parquet)`)
	exec(`CREATE TABLE legacy (booking_id INTEGER, booking_date TIMESTAMP, status INTEGER, user_id INTEGER,
		salon_id INTEGER, employee_id INTEGER, payment_id INTEGER)`)
	for _, l := range fx.Legacy {
		exec(`DELETE FROM legacy`)
		exec(`INSERT INTO legacy VALUES (?, ?::TIMESTAMP, ?, ?, ?, ?, ?)`,
			l.BookingID, l.BookingDate, l.Status, l.UserID, l.SalonID, l.EmployeeID, l.PaymentID)
		exec(`COPY legacy TO '` + strings.ReplaceAll(filepath.Join(dir, "duckdb", l.File), "'", "''") + `' (FORMAT parquet)`)
	}
}

func main() {
	data, err := os.ReadFile(filepath.Join(dir, "fixture.json"))
	if err != nil {
		log.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(data, &fx); err != nil {
		log.Fatal(err)
	}
	for _, w := range []string{"parquet-go", "parquet-go-delta", "arrow-go", "duckdb"} {
		os.RemoveAll(filepath.Join(dir, w))
	}
	parquetGo(fx)
	arrowGo(fx)
	duckDB(fx)
}
