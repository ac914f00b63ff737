package dispatch

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy bounds how often and how fast the engine retries a provider.
type RetryPolicy struct {
	// MaxAttempts is the number of submit calls after which a payment that
	// was provably never made is rejected (NARR). Unknown outcomes are never
	// "given up" this way: they end reconciled or in review.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff.
	BaseDelay time.Duration
	MaxDelay  time.Duration
}

// DefaultRetryPolicy is used for a provider configured without one.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 5, BaseDelay: 500 * time.Millisecond, MaxDelay: 2 * time.Minute}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultRetryPolicy.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	return p
}

// Backoff returns the delay before retry number n (1-based): exponential
// from BaseDelay, capped at MaxDelay, with ±50% jitter so that a fleet of
// payments failing together does not retry in lockstep; never shorter than
// the provider's Retry-After.
func (p RetryPolicy) Backoff(n int, retryAfter time.Duration) time.Duration {
	p = p.withDefaults()
	d := p.BaseDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	d = time.Duration(float64(d) * (0.5 + rand.Float64()))
	return max(d, retryAfter)
}
