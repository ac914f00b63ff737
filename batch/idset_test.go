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

// reserve sizes the table once for the ids announced, so adding them never
// grows it; more than announced still grows; a lying file gets at most
// maxExpectedIDs reserved through NewValidator.
func TestIDSetReserve(t *testing.T) {
	var s idSet
	s.reserve(100_000)
	if len(s.slots) != 1<<18 {
		t.Fatalf("reserved %d slots for 100000 ids, want %d", len(s.slots), 1<<18)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		if s.add(r.Uint64()|1, r.Uint64()) {
			t.Fatal("a fresh pair reported as seen")
		}
	}
	if len(s.slots) != 1<<18 {
		t.Fatalf("grew to %d slots for the 100000 ids reserved", len(s.slots))
	}
	for range 40_000 {
		s.add(r.Uint64()|1, r.Uint64())
	}
	if len(s.slots) != 1<<19 || 2*s.n > len(s.slots) {
		t.Fatalf("%d ids in %d slots after more than reserved", s.n, len(s.slots))
	}
	v := NewValidator(ValidateOptions{ExpectedPayments: 1 << 40})
	if len(v.seen.slots) != 2*maxExpectedIDs {
		t.Fatalf("a file claiming 2^40 payments reserved %d slots, want %d", len(v.seen.slots), 2*maxExpectedIDs)
	}
}
