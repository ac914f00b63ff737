package store

import (
	"context"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

func TestCountByProviderAndPing(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	b, infos := createDispatching(t, s, "counts")
	ds := []*batch.Dispatch{
		queued(infos[0], 1, "solaris", t0),
		queued(infos[0], 2, "solaris", t0.Add(time.Second)),
		queued(infos[0], 3, "solaris", t0),
		queued(infos[0], 4, "p100", t0),
	}
	ds[2].State, ds[2].Status = batch.Done, batch.ACSC
	if err := s.AddPayments(ctx, b.ID, ds); err != nil {
		t.Fatal(err)
	}
	got := map[ProviderCount]bool{}
	rows, err := s.CountByProvider(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		got[r] = true
	}
	for _, want := range []ProviderCount{
		{"solaris", batch.Queued, ds[0].Status, 2},
		{"solaris", batch.Done, batch.ACSC, 1},
		{"p100", batch.Queued, ds[3].Status, 1},
	} {
		if !got[want] {
			t.Errorf("missing %+v in %+v", want, rows)
		}
	}
	s.Close()
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping on a closed store: no error")
	}
}
