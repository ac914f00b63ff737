package batch

// idSet holds the 128-bit keyed hashes of the EndToEndIds a Validator has
// seen: an open-addressing table with linear probing, at most half full.
// The Go map it replaces cost a lookup two or three cache misses on a
// large file (the group's control word, then the slot) while the parser
// streams the file through the cache; here a probe nearly always ends in
// the cache line it starts in.
//
// Even one cache miss per payment is most of what validating a row costs
// once the table outgrows the cache, so the set first makes use of how
// files number their payments: nearly every export counts its
// EndToEndIds up (E2E-000001, E2E-000002, … or PAY-9, PAY-10, …). An id
// above the greatest one seen so far, in shortlex order (shorter first,
// then bytewise), cannot be among the earlier ones, so its hashes are only
// appended to a list, in order, without a probe. The table is built from
// that list, in one pass, only when an id arrives that is not above the
// greatest: then it is probed as before. A file in any other order costs a
// comparison more per id than the table alone.
type idSet struct {
	slots []idSlot        // a power of two long; h1 == 0 marks a free slot
	n     int             // pairs in slots
	zero  map[uint64]bool // the second hashes of pairs whose first is 0
	hint  int             // ids to size the table for when it is built

	// maxID is the greatest id added, in shortlex order; "" before the
	// first, which every other id is above.
	maxID string
	// pending holds the pairs of ids added above maxID that are not yet
	// in slots, in blocks of pendingBlock: appending never copies.
	pending  [][]idSlot
	npending int
}

// pendingBlock is the length of a block of pending pairs (32 KiB).
const pendingBlock = 2048

type idSlot struct{ h1, h2 uint64 }

// addID records id, whose hash pair is h1, h2, and reports whether an id
// with that pair was recorded before.
func (s *idSet) addID(id string, h1, h2 uint64) bool {
	if shortlexLess(s.maxID, id) {
		s.maxID = id
		if len(s.pending) == 0 || len(s.pending[len(s.pending)-1]) == pendingBlock {
			s.pending = append(s.pending, make([]idSlot, 0, pendingBlock))
		}
		last := &s.pending[len(s.pending)-1]
		*last = append(*last, idSlot{h1, h2})
		s.npending++
		return false
	}
	return s.add(h1, h2)
}

// shortlexLess orders strings by length, then bytewise: a total order in
// which unpadded counters (9 < 10) rise as padded ones do.
func shortlexLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// add records the hash pair and reports whether it was recorded before.
func (s *idSet) add(h1, h2 uint64) bool {
	if s.npending > 0 {
		s.flush()
	}
	return s.insert(h1, h2)
}

// flush moves the pending pairs into the table, sized once for all of
// them. The pairs are independent, so their cache misses overlap.
func (s *idSet) flush() {
	s.reserve(s.n + s.npending + 1)
	for _, b := range s.pending {
		for _, p := range b {
			s.insert(p.h1, p.h2)
		}
	}
	// Keep the first block: in a file whose ids alternate between rising
	// and not (two merged sequences, say), every other id starts a list.
	clear(s.pending[1:])
	s.pending, s.npending = s.pending[:1], 0
	s.pending[0] = s.pending[0][:0]
}

func (s *idSet) insert(h1, h2 uint64) bool {
	if h1 == 0 { // 0 marks free slots: such pairs (1 in 2^64) go aside
		if s.zero == nil {
			s.zero = make(map[uint64]bool)
		}
		seen := s.zero[h2]
		s.zero[h2] = true
		return seen
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow(max(s.hint, 2*(s.n+1)))
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

// expect notes that about n ids will be added: the table, if it is ever
// built, is built for that many at once instead of growing to it.
func (s *idSet) expect(n int) { s.hint = max(s.hint, 2*n) }

// reserve makes room for n pairs without growing on the way.
func (s *idSet) reserve(n int) {
	if 2*n > len(s.slots) {
		s.grow(max(s.hint, 2*n))
	}
}

// grow rehashes the table into one of at least size slots (a power of
// two, at least 1024).
func (s *idSet) grow(size int) {
	n := max(1024, 2*len(s.slots))
	for n < size {
		n *= 2
	}
	old := s.slots
	s.slots = make([]idSlot, n)
	s.n = 0
	for _, sl := range old {
		if sl.h1 != 0 {
			s.insert(sl.h1, sl.h2)
		}
	}
}
