package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// BenchmarkParallelTransitions: 8 workers move disjoint payments
// Queued → Sending → Done, as the engine's lane workers do. Reports
// transitions per second and the p99 latency of one Transition.
func BenchmarkParallelTransitions(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	const workers, per = 8, 100
	var lat []time.Duration
	var mu sync.Mutex
	var total time.Duration
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		rec, infos := sampleBatch(fmt.Sprintf("par-%d", n))
		if err := s.CreateBatch(ctx, rec, infos); err != nil {
			b.Fatal(err)
		}
		ds := make([]*batch.Dispatch, 0, workers*per)
		for i := 1; i <= workers*per; i++ {
			ds = append(ds, &batch.Dispatch{Payment: fullPayment(infos[0], i), Provider: "solaris",
				Key: fmt.Sprintf("%s-%d", rec.ID, i), State: batch.Queued})
		}
		if err := s.AddPayments(ctx, rec.ID, ds); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				for i := w; i < len(ds); i += workers {
					d := *ds[i]
					for _, step := range []struct{ from, to batch.DispatchState }{{batch.Queued, batch.Sending}, {batch.Sending, batch.Done}} {
						d.State = step.to
						if step.to == batch.Done {
							d.Status = batch.ACSC
						}
						t0 := time.Now()
						if err := s.Transition(ctx, &d, step.from, "bench"); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(t0))
					}
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		total += time.Since(start)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/total.Seconds(), "transitions/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
}
