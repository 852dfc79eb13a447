// The ledger on S3, against versitygw. It needs the s3 branch (storage's S3
// root and storage/s3test): once that is merged, move this file to
// mail/s3ledger_test.go. Kept out of the build until then so that the send
// branch builds and `go mod tidy` works on its own; it passed on a trial
// merge of send and s3.

package mail_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/instudio/instudio-report/mail"
	"github.com/instudio/instudio-report/mail/mailtest"
	"github.com/instudio/instudio-report/storage/s3test"
)

// Three runs share a ledger on S3 (versitygw): conditional puts make each
// salon's claim one run's, in a plain round, a forced round, and a round
// after both.
func TestS3LedgerConcurrentRuns(t *testing.T) {
	s3srv := s3test.Start(t)
	bucket := s3srv.CreateBucket(t, "ledger")
	srv := mailtest.Start(t)
	var specs []salonSpec
	for i := int64(1); i <= 12; i++ {
		specs = append(specs, salonSpec{i, fmt.Sprintf("Salon %d", i), []string{fmt.Sprintf("owner%d@example.com", i)}, nil, [4]int64{1, 1, 0, 0}})
	}
	rounds := []struct {
		force     bool
		wantSent  int
		wantTotal int
	}{{false, 12, 12}, {true, 12, 24}, {false, 0, 24}}
	for _, round := range rounds {
		runs := make([]*mail.Delivery, 3)
		for i := range runs {
			runs[i] = delivery(t, srv.SMTPURL(), t.TempDir())
			runs[i].Ledger = &mail.Ledger{Root: s3srv.Root(t, bucket, "send-ledger")}
			runs[i].Force = round.force
			if err := runs[i].Load(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		sums := make([]*mail.Summary, len(runs))
		for i, d := range runs {
			js := jobs(t, specs)
			wg.Go(func() { sums[i] = d.Run(context.Background(), js) })
		}
		wg.Wait()
		sent := 0
		for _, s := range sums {
			sent += s.Count(mail.OutcomeSent)
			if n := s.Count(mail.OutcomeFailed); n > 0 {
				t.Errorf("force=%v: %d failed: %+v", round.force, n, s.Results)
			}
		}
		if sent != round.wantSent {
			t.Errorf("force=%v: the runs sent %d, want %d", round.force, sent, round.wantSent)
		}
		if n := len(srv.Messages(t)); n != round.wantTotal {
			t.Errorf("force=%v: mailpit holds %d, want %d", round.force, n, round.wantTotal)
		}
	}
	st, err := (&mail.Ledger{Root: s3srv.Root(t, bucket, "send-ledger")}).Load(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(1); id <= 12; id++ {
		if st[id].Attempt != 2 || st[id].State != mail.Sent {
			t.Errorf("ledger salon %d: %+v, want attempt 2 sent", id, st[id])
		}
	}
}
