package batch

import (
	"math/rand/v2"
	"testing"
)

// TestIDSet checks idSet against a map of the pairs through many growths,
// with pairs that share a first hash, a first hash of 0 (the free-slot
// mark) and first hashes that probe into each other's runs.
func TestIDSet(t *testing.T) {
	var s idSet
	want := map[[2]uint64]bool{}
	r := rand.New(rand.NewPCG(3, 4))
	check := func(h1, h2 uint64) {
		t.Helper()
		k := [2]uint64{h1, h2}
		if got := s.add(h1, h2); got != want[k] {
			t.Fatalf("add(%#x, %#x) = %v, want %v", h1, h2, got, want[k])
		}
		want[k] = true
	}
	for i := range 50_000 {
		h1 := r.Uint64()
		switch i % 5 {
		case 1:
			h1 = uint64(i % 64) // clustered: long probe runs
		case 2:
			h1 = 0
		}
		h2 := r.Uint64() % 4 // few second hashes: repeats and first-hash clashes
		check(h1, h2)
		check(h1, h2)
		check(h1, h2^1)
	}
	if s.n+len(s.zero) != len(want) || 2*s.n > len(s.slots) {
		t.Fatalf("%d pairs in %d slots, want %d at most half full", s.n, len(s.slots), len(want))
	}
}
