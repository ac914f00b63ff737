package batch

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
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

// expect sizes the table once for the ids announced, when it is built, so
// adding them never grows it; more than announced still grows; a lying
// file gets at most maxExpectedIDs reserved through NewValidator.
func TestIDSetExpect(t *testing.T) {
	var s idSet
	s.expect(100_000)
	if len(s.slots) != 0 {
		t.Fatalf("expect built a table of %d slots before any id", len(s.slots))
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 100_000 {
		if s.add(r.Uint64()|1, r.Uint64()) {
			t.Fatal("a fresh pair reported as seen")
		}
	}
	if len(s.slots) != 1<<18 {
		t.Fatalf("%d slots for the 100000 ids expected, want %d", len(s.slots), 1<<18)
	}
	for range 40_000 {
		s.add(r.Uint64()|1, r.Uint64())
	}
	if len(s.slots) != 1<<19 || 2*s.n > len(s.slots) {
		t.Fatalf("%d ids in %d slots after more than expected", s.n, len(s.slots))
	}
	v := NewValidator(ValidateOptions{ExpectedPayments: 1 << 40})
	v.seen.add(1, 1)
	if len(v.seen.slots) != 2*maxExpectedIDs {
		t.Fatalf("a file claiming 2^40 payments reserved %d slots, want %d", len(v.seen.slots), 2*maxExpectedIDs)
	}
}

// TestIDSetOrder checks addID against a map of the ids for the orders
// files come in: counters padded and not, up and down, random, and
// ascending runs broken by repeats of earlier ids and of the greatest.
func TestIDSetOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	counter := func(n int, format string) []string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf(format, i+1)
		}
		return ids
	}
	reversed := counter(3000, "R-%d")
	slices.Reverse(reversed)
	shuffled := counter(3000, "S-%04d")
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	repeats := counter(5000, "E2E-%d")
	for i := 100; i < len(repeats); i += 97 {
		repeats[i] = repeats[r.IntN(i)] // an earlier id again, the greatest included
	}
	for _, tc := range []struct {
		name  string
		ids   []string
		table bool // whether the ids need the table at all
	}{
		{"padded", counter(5000, "E2E-%06d"), false},
		{"unpadded", counter(5000, "PAY-%d"), false},
		{"reversed", reversed, true},
		{"shuffled", shuffled, true},
		{"repeats", repeats, true},
		{"greatest twice", []string{"A1", "A2", "A2", "A3"}, true},
		{"shorter after longer", []string{"AB", "B", "AB"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s idSet
			seen := map[string]bool{}
			for i, id := range tc.ids {
				h := maphash.String(seed, id)
				if got := s.addID(id, h, ^h); got != seen[id] {
					t.Fatalf("id %d %q: seen %v, want %v", i, id, got, seen[id])
				}
				seen[id] = true
			}
			if built := len(s.slots) > 0; built != tc.table {
				t.Errorf("table built: %v, want %v", built, tc.table)
			}
			if s.n+s.npending != len(seen) {
				t.Errorf("%d pairs held for %d ids", s.n+s.npending, len(seen))
			}
		})
	}
}

var seed = maphash.MakeSeed()

func TestShortlexLess(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{
		{"9", "10", true}, {"10", "9", false}, {"A", "B", true}, {"B", "AB", true},
		{"E2E-000009", "E2E-000010", true}, {"x", "x", false}, {"", "a", true},
	} {
		if got := shortlexLess(tc.a, tc.b); got != tc.less {
			t.Errorf("shortlexLess(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// The ids of two merged sequences (X-1, Y-1, X-2, Y-2, …) alternate
// between above the greatest and not: the pending list keeps its block
// instead of making a new one for every other id.
func TestIDSetAlternatingAllocs(t *testing.T) {
	ids := make([]string, 20_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("%c-%05d", "XY"[i%2], i/2)
	}
	allocs := testing.AllocsPerRun(3, func() {
		var s idSet
		s.expect(len(ids))
		for _, id := range ids {
			h := maphash.String(seed, id)
			if s.addID(id, h, ^h) {
				t.Fatalf("%s seen twice", id)
			}
		}
	})
	if allocs > 10 {
		t.Fatalf("%.0f allocations for %d alternating ids", allocs, len(ids))
	}
}
