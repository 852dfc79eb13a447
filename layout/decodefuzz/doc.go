// Package decodefuzz holds the fuzz target of the layout's Parquet
// decoding, seeded with the other writers' files of
// layout/testdata/writers. It is its own small package so that `go test
// -fuzz` builds no DuckDB: make test runs it for a bounded time.
package decodefuzz
