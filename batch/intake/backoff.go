package intake

import (
	"math/rand/v2"
	"time"
)

// Backoff grows a delay exponentially from Min to Max with jitter, so that
// several instances reconnecting to the same server do not retry in step.
type Backoff struct {
	Min, Max time.Duration
	n        int
}

// Next returns the delay before the next attempt.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = time.Second
	}
	if hi < lo {
		hi = lo
	}
	d := lo << min(b.n, 30)
	if d <= 0 || d > hi {
		d = hi
	} else {
		b.n++
	}
	// Up to 25% jitter below d keeps the delay bounded by Max.
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// Reset starts again from Min after a success.
func (b *Backoff) Reset() { b.n = 0 }
