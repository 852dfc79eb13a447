// Package layout owns the shape of the booking layout over time: it merges
// the small batch files of past days into large sorted files (Compact),
// brings the seed's one-file-per-event legacy files into the layout once
// (ImportLegacy), and tells whether the pipeline is still writing (Check).
//
// It is pure Go and works on any storage.Root, a local directory or S3.
package layout
