package settings_test

import (
	"testing"
	"time"

	"github.com/instudio/instudio-report/settings"
)

// Today is the platform's date: 02:00 UTC on 1 December is still 30
// November in Lima (UTC-5).
func TestToday(t *testing.T) {
	s, err := settings.Resolve(map[string]string{"timezone": "America/Lima"}, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Today(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Today = %s, want %s", got, want)
	}
}

// The S3 options carry the profile, region and endpoint as resolved (a
// flag over the environment) and the environment the SDK reads.
func TestS3Options(t *testing.T) {
	env := envOf(map[string]string{"INSTUDIO_S3_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://env"})
	s, err := settings.Resolve(map[string]string{"profile": "ops", "s3-region": "sa-east-1", "s3-endpoint": "http://127.0.0.1:7070"}, env)
	if err != nil {
		t.Fatal(err)
	}
	o := s.S3Options(env)
	if o.Profile != "ops" || o.Region != "sa-east-1" || o.Endpoint != "http://127.0.0.1:7070" || o.Getenv == nil || o.Getenv("AWS_ENDPOINT_URL") != "http://env" {
		t.Errorf("S3Options = %+v", o)
	}
}
