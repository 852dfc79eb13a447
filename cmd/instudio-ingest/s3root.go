package main

import (
	"context"

	"github.com/instudio/instudio-report/storage"
)

// openS3Root opens s3://bucket through the storage package's S3 root.
func openS3Root(_ context.Context, uri string) (storage.Root, error) {
	dir, err := storage.Open(uri)
	if err != nil {
		return nil, err
	}
	return dir, nil
}
