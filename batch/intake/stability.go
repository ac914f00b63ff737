package intake

import (
	"sync"
	"time"
)

// Stability decides when a file is complete: it must be seen with the same
// size and mtime in at least two scans, the first of them at least MinAge
// ago. Time is measured on our clock when we observe the file, not from the
// mtime, so a server whose clock is off cannot make a growing file look old.
// The price: after a restart, files already waiting are taken after MinAge.
type Stability struct {
	MinAge time.Duration

	mu   sync.Mutex
	seen map[string]observation
}

type observation struct {
	size    int64
	modTime time.Time
	since   time.Time // first scan that saw this size and mtime
}

// Observe records a file seen by a scan at now and reports whether it is
// complete.
func (s *Stability) Observe(key string, size int64, modTime, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = make(map[string]observation)
	}
	o, ok := s.seen[key]
	if !ok || o.size != size || !o.modTime.Equal(modTime) {
		s.seen[key] = observation{size: size, modTime: modTime, since: now}
		return false
	}
	return now.Sub(o.since) >= s.MinAge
}

// Sweep forgets every key not in present, so the map does not grow with
// every file ever seen and a re-uploaded name starts from scratch.
func (s *Stability) Sweep(present map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.seen {
		if !present[k] {
			delete(s.seen, k)
		}
	}
}

// Forget drops one key, e.g. after the file was claimed.
func (s *Stability) Forget(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.seen, key)
}
