package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

// BenchmarkAddPayments100k stores a 100 000-line batch in chunks of 1000,
// as the pipeline does.
func BenchmarkAddPayments100k(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	for n := 0; n < b.N; n++ {
		rec, infos := sampleBatch(fmt.Sprintf("bench-%d", n))
		if err := s.CreateBatch(ctx, rec, infos); err != nil {
			b.Fatal(err)
		}
		const total, chunk = 100_000, 1000
		for start := 1; start <= total; start += chunk {
			ds := make([]*batch.Dispatch, 0, chunk)
			for i := start; i < start+chunk; i++ {
				ds = append(ds, &batch.Dispatch{Payment: fullPayment(infos[0], i), Provider: "solaris",
					Key: fmt.Sprintf("%s-%d", rec.ID, i), State: batch.Queued})
			}
			if err := s.AddPayments(ctx, rec.ID, ds); err != nil {
				b.Fatal(err)
			}
		}
	}
}
