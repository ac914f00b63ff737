package reports

import (
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

// TestWritePain002FlatMemory streams a large batch from a generator, as the
// store cursor would, and checks the heap does not grow with the payments.
func TestWritePain002FlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large batch")
	}
	const n = 200_000
	info := &batch.PaymentInfo{ID: "P1"}
	gen := func(yield func(PaymentResult) bool) {
		for i := 1; i <= n; i++ {
			p := &batch.Payment{Index: i, Info: info, EndToEndID: "E2E-" + strconv.Itoa(i), Amount: eur(int64(i)),
				CreditorName: "Creditor", CreditorIBAN: "DE89370400440532013000"}
			if !yield(PaymentResult{Payment: p, Status: batch.ACSC}) {
				return
			}
		}
	}
	b := &Batch{ID: "big", Header: batch.Header{Format: "csv"}, Infos: []*batch.PaymentInfo{info}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := WritePain002(io.Discard, Pain002V10, b, StageFinal, gen, Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grow := int64(after.HeapInuse) - int64(before.HeapInuse); grow > 4<<20 {
		t.Errorf("heap grew by %d bytes for %d payments", grow, n)
	}
}
