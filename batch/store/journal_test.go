package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
)

var _ dispatch.Journal = (*Store)(nil)

func errorsIsConflict(err error) bool { return errors.Is(err, batch.ErrConflict) }

func queued(info *batch.PaymentInfo, i int, provider string, next time.Time) *batch.Dispatch {
	return &batch.Dispatch{Payment: fullPayment(info, i), Provider: provider,
		Key: fmt.Sprintf("%s-%d-%d", provider, i, next.UnixNano()), State: batch.Queued, NextAt: next}
}

func TestDueOrderingAndFiltering(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	b, infos := createDispatching(t, s, "due")
	ds := []*batch.Dispatch{
		queued(infos[0], 1, "solaris", t0.Add(3*time.Second)),
		queued(infos[0], 2, "solaris", t0.Add(1*time.Second)),
		queued(infos[0], 3, "solaris", t0.Add(time.Hour)), // not yet
		queued(infos[0], 4, "p100", t0),                   // other provider
		queued(infos[0], 5, "solaris", t0.Add(2*time.Second)),
		queued(infos[0], 6, "solaris", t0),
	}
	ds[4].State = batch.Unknown
	ds[5].State = batch.Done // terminal
	ds[5].Status = batch.ACSC
	if err := s.AddPayments(ctx, b.ID, ds); err != nil {
		t.Fatal(err)
	}
	// Payments of a batch not yet dispatching are never due.
	held, infos2 := sampleBatch("held")
	if err := s.CreateBatch(ctx, held, infos2); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPayments(ctx, held.ID, []*batch.Dispatch{queued(infos2[0], 1, "solaris", t0)}); err != nil {
		t.Fatal(err)
	}

	due, err := s.Due(ctx, "solaris", t0.Add(5*time.Second), 10)
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, d := range due {
		idx = append(idx, d.Payment.Index)
		if d.BatchID != b.ID || d.Payment.Info == nil {
			t.Fatalf("due record incomplete: %+v", d)
		}
	}
	if fmt.Sprint(idx) != "[2 5 1]" {
		t.Fatalf("due = %v, want [2 5 1]", idx)
	}
	due, err = s.Due(ctx, "solaris", t0.Add(5*time.Second), 1)
	if err != nil || len(due) != 1 || due[0].Payment.Index != 2 {
		t.Fatalf("limit 1: %v %v", due, err)
	}
}

func TestTransitionWritesEventAndChecksState(t *testing.T) {
	ctx := WithActor(context.Background(), "webhook:solaris")
	s, c := newStore(t)
	b, infos := createDispatching(t, s, "tr")
	d := queued(infos[0], 1, "solaris", t0)
	d.Key = ""
	if err := s.AddPayments(ctx, b.ID, []*batch.Dispatch{d}); err != nil {
		t.Fatal(err)
	}

	c.Add(time.Second)
	d.Key, d.State, d.Attempts, d.SentAt, d.NextAt = "K1", batch.Sending, 1, c.Now(), c.Now().Add(time.Minute)
	if err := s.Transition(ctx, d, batch.Queued, "submit"); err != nil {
		t.Fatal(err)
	}
	d.State, d.Ref, d.Status = batch.Submitted, "sol-42", batch.ACSP
	if err := s.Transition(ctx, d, batch.Sending, "accepted"); err != nil {
		t.Fatal(err)
	}
	// A stale writer still believing the payment is queued loses.
	stale := *d
	stale.State = batch.Sending
	if err := s.Transition(ctx, &stale, batch.Queued, "stale"); !errorsIsConflict(err) {
		t.Fatalf("stale transition: %v, want ErrConflict", err)
	}
	// The key, once stored, cannot change.
	rekey := *d
	rekey.Key, rekey.State = "K2", batch.Done
	if err := s.Transition(ctx, &rekey, batch.Submitted, "rekey"); err == nil {
		t.Fatal("idempotency key was replaced")
	}

	got, err := s.FindByRef(ctx, "solaris", "sol-42")
	if err != nil || got.PaymentID != d.PaymentID || got.Key != "K1" || got.Attempts != 1 ||
		!got.SentAt.Equal(t0.Add(time.Second)) || got.Status != batch.ACSP {
		t.Fatalf("FindByRef = %+v, %v", got, err)
	}
	if _, err := s.FindByRef(ctx, "p100", "sol-42"); !IsNotFound(err) {
		t.Fatalf("ref of another provider: %v", err)
	}

	evs, err := s.PaymentEvents(ctx, d.PaymentID)
	if err != nil {
		t.Fatal(err)
	}
	var got2 []string
	for _, e := range evs {
		got2 = append(got2, fmt.Sprintf("%s %s>%s %s %s", e.Actor, e.From, e.To, e.Why, e.At.Format("15:04:05")))
	}
	want := []string{"webhook:solaris queued>sending submit 09:26:54", "webhook:solaris sending>submitted accepted 09:26:54"}
	if fmt.Sprint(got2) != fmt.Sprint(want) {
		t.Fatalf("events %q, want %q", got2, want)
	}
}

// Two workers (here: two Store instances on one file, as two processes
// would be) race the same Queued→Sending transition: exactly one wins.
func TestTransitionRaceExactlyOneWins(t *testing.T) {
	ctx := context.Background()
	s1, c := newStore(t)
	b, infos := createDispatching(t, s1, "race")
	d := queued(infos[0], 1, "solaris", t0)
	if err := s1.AddPayments(ctx, b.ID, []*batch.Dispatch{d}); err != nil {
		t.Fatal(err)
	}
	var file string
	if err := s1.db.GetContext(ctx, &file, `SELECT file FROM pragma_database_list WHERE name = 'main'`); err != nil {
		t.Fatal(err)
	}
	s2 := openAt(t, file, c)

	for round := 0; round < 20; round++ {
		from := batch.Queued
		to := batch.Sending
		if round%2 == 1 {
			from, to = to, from
		}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := []*Store{s1, s2}[i%2]
				w := *d
				w.State = to
				w.Attempts = i
				errs[i] = st.Transition(ctx, &w, from, fmt.Sprintf("worker %d", i))
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errorsIsConflict(err):
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d winners, want exactly 1 (%v)", round, wins, errs)
		}
	}
	evs, err := s1.PaymentEvents(ctx, d.PaymentID)
	if err != nil || len(evs) != 20 {
		t.Fatalf("%d events, want one per winning transition (20): %v", len(evs), err)
	}
}
