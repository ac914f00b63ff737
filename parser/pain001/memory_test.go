package pain001

import (
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// streamPeakHeap parses n generated payments and returns the peak live heap.
func streamPeakHeap(tb testing.TB, n int) uint64 {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeV10(pw, n)) }()
	runtime.GC()
	peak := sampleHeap()
	rd, err := NewReader(pr)
	if err != nil {
		tb.Fatal(err)
	}
	got := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		got++
	}
	p := peak()
	if got != n {
		tb.Fatalf("%d payments, want %d", got, n)
	}
	return p
}

// Memory must not depend on the number of payments: ten times more
// payments may not cost meaningfully more heap, and never 32 MiB.
func TestMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 220k generated payments")
	}
	small := streamPeakHeap(t, 20_000)
	large := streamPeakHeap(t, 200_000)
	t.Logf("peak heap: %.1f MiB for 20k payments, %.1f MiB for 200k", float64(small)/(1<<20), float64(large)/(1<<20))
	if large > 32<<20 || large > 2*small+(4<<20) {
		t.Errorf("peak heap grows with the file: %d bytes for 20k, %d for 200k", small, large)
	}
}

// sampleHeap polls the live heap every few milliseconds until the
// returned function is called, which reports the maximum.
func sampleHeap() func() uint64 {
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		wg.Wait()
		return peak.Load()
	}
}
