package athena

import (
	"fmt"
	"strings"
)

// BookingsLocation is the s3:// URI of bookings/ the table reads: location
// when given (with a trailing slash), else <source>/bookings/ when the
// source is on S3; an error otherwise.
func BookingsLocation(source, location string) (string, error) {
	if location == "" {
		src := strings.TrimRight(source, "/")
		if !strings.HasPrefix(src, "s3://") {
			return "", fmt.Errorf("give --location s3://bucket/bookings/ (--source %s is not on S3)", source)
		}
		location = src + "/bookings/"
	}
	if !strings.HasSuffix(location, "/") {
		location += "/"
	}
	return location, nil
}
