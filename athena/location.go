package athena

import (
	"fmt"
	"strings"
)

// NoLocationError is BookingsLocation's error when no location is given
// and the source is not on S3: the caller names its own way to give one.
type NoLocationError struct {
	Source string
}

func (e *NoLocationError) Error() string {
	return fmt.Sprintf("no bookings location given, and the source %s is not on S3", e.Source)
}

// BookingsLocation is the s3:// URI of bookings/ the table reads: location
// when given (with a trailing slash), else <source>/bookings/ when the
// source is on S3; an error otherwise.
func BookingsLocation(source, location string) (string, error) {
	if location == "" {
		src := strings.TrimRight(source, "/")
		if !strings.HasPrefix(src, "s3://") {
			return "", &NoLocationError{Source: source}
		}
		location = src + "/bookings/"
	}
	if !strings.HasSuffix(location, "/") {
		location += "/"
	}
	return location, nil
}
