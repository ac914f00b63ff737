package batch

// idSet holds the 128-bit keyed hashes of the EndToEndIds a Validator has
// seen: an open-addressing table with linear probing, at most half full.
// The Go map it replaces cost a lookup two or three cache misses on a
// large file (the group's control word, then the slot) while the parser
// streams the file through the cache; here a probe nearly always ends in
// the cache line it starts in.
type idSet struct {
	slots []idSlot // a power of two long; h1 == 0 marks a free slot
	n     int
	zero  map[uint64]bool // the second hashes of pairs whose first is 0
}

type idSlot struct{ h1, h2 uint64 }

// add records the hash pair and reports whether it was recorded before.
func (s *idSet) add(h1, h2 uint64) bool {
	if h1 == 0 { // 0 marks free slots: such pairs (1 in 2^64) go aside
		if s.zero == nil {
			s.zero = make(map[uint64]bool)
		}
		seen := s.zero[h2]
		s.zero[h2] = true
		return seen
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h1 & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		switch {
		case sl.h1 == 0:
			*sl = idSlot{h1, h2}
			s.n++
			return false
		case sl.h1 == h1 && sl.h2 == h2:
			return true
		}
	}
}

// maxExpectedIDs bounds how many ids a Validator reserves room for on a
// file's word: 2^18 ids, an 8 MiB table.
const maxExpectedIDs = 1 << 18

// reserve sizes an empty set for n ids without growing on the way (a
// table at most half full, so 2n slots rounded up to a power of two).
func (s *idSet) reserve(n int) {
	if n <= 0 || s.n > 0 {
		return
	}
	size := 1024
	for size < 2*n {
		size *= 2
	}
	if size > len(s.slots) {
		s.slots = make([]idSlot, size)
	}
}

func (s *idSet) grow() {
	old := s.slots
	s.slots = make([]idSlot, max(1024, 2*len(old)))
	s.n = 0
	for _, sl := range old {
		if sl.h1 != 0 {
			s.add(sl.h1, sl.h2)
		}
	}
}
