// Package s3test runs a real S3 server for tests: versitygw with its posix
// backend on a temporary directory and a free loopback port. The binary is
// the one `make tools` pins into .tools/ (or versitygw on PATH). Without
// it a test skips, except under CI=true, where it fails: CI must never
// pass by skipping the S3 tests.
//
// A test of code that takes a storage.Root:
//
//	srv := s3test.Start(t)                        // also sets the AWS_* credentials
//	bucket := srv.CreateBucket(t, "bookings")
//	root := srv.Root(t, bucket, "prod")           // *storage.S3 on s3://bookings/prod
//	... run the code under test on root ...
//	srv.Put(t, bucket, "prod/bookings/...", data) // or arrange objects behind its back
//
// The CLI reaches the same server with --s3-endpoint srv.Endpoint (or
// INSTUDIO_S3_ENDPOINT). StartFaultProxy puts a proxy in front that
// answers 503 SlowDown, cuts connections and truncates bodies, and counts
// the requests it passes on by kind.
package s3test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/instudio/instudio-report/storage"
)

// Credentials of the server's root user: test values, not secrets.
const (
	AccessKey = "instudio-test-access"
	SecretKey = "instudio-test-secret-0123456789"
	Region    = "us-east-1"
)

// Server is a running versitygw.
type Server struct {
	// Endpoint is the server's URL, http://127.0.0.1:PORT.
	Endpoint string
	// Dir is the posix backend's directory: bucket B's object K is the
	// file Dir/B/K.
	Dir    string
	client *s3.Client
}

// Binary finds the versitygw binary: .tools/versitygw at the repository
// root, else versitygw on PATH. It skips the test when there is none, or
// fails it under CI=true.
func Binary(t testing.TB) string {
	t.Helper()
	if dir, err := os.Getwd(); err == nil {
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				bin := filepath.Join(dir, ".tools", "versitygw")
				if _, err := os.Stat(bin); err == nil {
					return bin
				}
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if bin, err := exec.LookPath("versitygw"); err == nil {
		return bin
	}
	msg := "versitygw not found in .tools/ or on PATH: run `make tools`"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start runs versitygw for the duration of the test, and points the AWS
// SDK's default chain at its root user through the environment (so the
// test may not run in parallel). Shared AWS config files, profiles and
// EC2 metadata are switched off, so that nothing of the machine's own AWS
// setup leaks in.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		var out bytes.Buffer
		cmd := exec.Command(bin, "--port", addr, "--access", AccessKey, "--secret", SecretKey,
			"--region", Region, "--quiet", "posix", dir)
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID=", "ROOT_SECRET_ACCESS_KEY=")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start versitygw: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if err := waitListening(addr, exited); err != nil {
			_ = cmd.Process.Kill()
			lastErr = fmt.Errorf("%w: %s", err, strings.TrimSpace(out.String()))
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
		s := &Server{Endpoint: "http://" + addr, Dir: dir}
		SetEnv(t)
		s.client = s3.New(s3.Options{
			Region:       Region,
			BaseEndpoint: aws.String(s.Endpoint),
			UsePathStyle: true,
			Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		})
		return s
	}
	t.Fatalf("versitygw did not start: %v", lastErr)
	return nil
}

// SetEnv points the AWS SDK's default chain at the test credentials and
// switches off everything else it would look at.
func SetEnv(t testing.TB) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           AccessKey,
		"AWS_SECRET_ACCESS_KEY":       SecretKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  Region,
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(os.DevNull, "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(os.DevNull, "none"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_S3":         "",
	} {
		t.Setenv(k, v)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitListening(addr string, exited <-chan error) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("versitygw exited: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("versitygw not listening on %s after 15s", addr)
}

// Client is an S3 client of the server's root user, for arranging
// fixtures behind the back of the code under test.
func (s *Server) Client() *s3.Client { return s.client }

// CreateBucket creates a bucket and returns its name.
func (s *Server) CreateBucket(t testing.TB, name string) string {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

// Put writes an object directly.
func (s *Server) Put(t testing.TB, bucket, key string, data []byte) {
	t.Helper()
	if _, err := s.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data),
	}); err != nil {
		t.Fatalf("put s3://%s/%s: %v", bucket, key, err)
	}
}

// Delete removes an object directly.
func (s *Server) Delete(t testing.TB, bucket, key string) {
	t.Helper()
	if _, err := s.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key),
	}); err != nil {
		t.Fatalf("delete s3://%s/%s: %v", bucket, key, err)
	}
}

// Upload copies every file under dir to bucket/prefix, keyed by its path
// relative to dir.
func (s *Server) Upload(t testing.TB, dir, bucket, prefix string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if prefix != "" {
			key = prefix + "/" + key
		}
		s.Put(t, bucket, key, data)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Options are the storage options that reach this server.
func (s *Server) Options() storage.S3Options {
	return storage.S3Options{Endpoint: s.Endpoint, Region: Region}
}

// Root opens s3://bucket/prefix on this server through the code under
// test, with the credentials of the environment.
func (s *Server) Root(t testing.TB, bucket, prefix string) *storage.S3 {
	t.Helper()
	r, err := storage.NewS3(context.Background(), bucket, prefix, s.Options())
	if err != nil {
		t.Fatal(err)
	}
	return r
}
