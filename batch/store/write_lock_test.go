package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// The process's own writers queue on its write lock, never in SQLite's busy
// handler: with a busy_timeout of 1 ms, which any collision between two
// connections of the pool would exceed, many concurrent writers of one
// Store still all succeed.
func TestConcurrentWritersOfOneStoreNeverMeetBusy(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pb.db"), Options{Now: c.Now, BusyTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, infos := createDispatching(t, s, "busy-writers")
	const workers, per = 8, 40
	ds := make([]*batch.Dispatch, 0, workers*per)
	for i := 1; i <= workers*per; i++ {
		ds = append(ds, queued(infos[0], i, "solaris", t0))
	}
	if err := s.AddPayments(ctx, b.ID, ds); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*per*2+workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Other kinds of write transaction join the transitions.
			rec, infos := sampleBatch(fmt.Sprintf("busy-other-%d", w))
			if err := s.CreateBatch(ctx, rec, infos); err != nil {
				errs <- err
			}
			for i := w; i < len(ds); i += workers {
				d := *ds[i]
				d.State = batch.Sending
				if err := s.Transition(ctx, &d, batch.Queued, "test"); err != nil {
					errs <- err
					continue
				}
				d.State, d.Status = batch.Done, batch.ACSC
				if err := s.Transition(ctx, &d, batch.Sending, "test"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Concurrent readers (the engine's Due, status pages, metrics) next to the
// writer do not make the pool close and reopen connections.
func TestConcurrentReadersKeepTheirConnections(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	ds := queuedPayments(t, s, "readers", 40)
	var wg sync.WaitGroup
	for r := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := s.Due(ctx, "solaris", t0.Add(time.Hour), 8); err != nil {
					t.Error(err)
				}
			}
			for i := r; i < len(ds); i += 6 {
				st := sending(ds[i])
				if err := s.Transition(ctx, &st.d, st.from, "readers"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := s.db.Stats().MaxIdleClosed; n != 0 {
		t.Fatalf("%d connections closed for lack of idle slots", n)
	}
}
