package reports

import (
	"io"
	"testing"

	"github.com/paybatch/paybatch/batch/batchtest"
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
	var w countingWriter
	var err error
	peak := batchtest.PeakHeap(func() { err = WritePaymentsXLSX(io.Writer(&w), "b42", results) })
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
