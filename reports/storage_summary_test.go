package reports

import (
	"io"
	"runtime"
	"sync"
	"testing"
	"time"
)

// countingWriter counts what it is given and keeps nothing.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// The XLSX summary of a large pain.001 batch is written as a stream: the
// heap does not hold the workbook (excelize's File.Write would buffer all
// of it, zipped, before writing a byte).
func TestStoragePaymentsXLSXStreams(t *testing.T) {
	_, ps := fixture()
	const rows = 100_000
	results := func(yield func(PaymentResult) bool) {
		for i := range rows {
			if !yield(ps[i%len(ps)]) {
				return
			}
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var s runtime.MemStats
		for {
			runtime.ReadMemStats(&s)
			if s.HeapInuse > base && s.HeapInuse-base > peak {
				peak = s.HeapInuse - base
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	var w countingWriter
	err := WritePaymentsXLSX(io.Writer(&w), "b42", results)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	// The zipped workbook is several MB; the heap must stay well below
	// what holding it would cost.
	if w.n < 1<<20 {
		t.Fatalf("only %d bytes written", w.n)
	}
	if peak > uint64(w.n)/2 && peak > 16<<20 {
		t.Fatalf("heap grew by %d MiB writing a %d MiB workbook", peak>>20, w.n>>20)
	}
}
