// Package templates holds the embedded templates of the human-readable
// reports: the HTML report (html/template) that a salon owner reads in a
// browser or an email client. The report package parses them once.
package templates

import "embed"

// FS holds every template file of this folder.
//
//go:embed *.html
var FS embed.FS
