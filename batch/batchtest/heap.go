package batchtest

import (
	"runtime"
	"sync"
	"time"
)

// PeakHeap runs fn and returns the highest heap in use (HeapInuse) it saw
// above the level before fn, sampled every few milliseconds: a bound on
// what fn held at once, for tests that assert memory stays flat. A sample
// can miss a short spike, never invent one, so a test using it fails only
// when the heap really grew that much.
func PeakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var s runtime.MemStats
		for {
			runtime.ReadMemStats(&s)
			if s.HeapInuse > base && s.HeapInuse-base > peak {
				peak = s.HeapInuse - base
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return peak
}
