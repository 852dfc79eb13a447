// Package layout owns the shape of the booking layout over time: it merges
// the small batch files of past days into large sorted files (Compact),
// brings the seed's one-file-per-event legacy files into the layout once
// (ImportLegacy), and tells whether the pipeline is still writing (Check).
// It also says which keys are booking files for a reader (Local, the
// BookingListing of S3) and keeps the S3 cache that DuckDB reads in cache
// mode (Sync, Cached), checking each copy against what was fetched. These
// live here rather than in storage, whose roots know no key's meaning;
// layout already imports storage, so nothing cycles.
//
// It is pure Go and works on any storage.Root, a local directory or S3.
package layout
