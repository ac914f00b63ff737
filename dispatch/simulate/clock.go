package simulate

import (
	"sync"
	"time"
)

// Env is what every simulator shares: the ledger, the faults, the clock and
// the delay after which a successful payout turns final.
type Env struct {
	Ledger *Ledger
	Faults *Faults
	// Webhooks delivers the simulators' webhooks; no targets by default.
	Webhooks *Webhooks
	// SettleDelay is how long a payout stays pending before it turns final.
	SettleDelay time.Duration
	// Now is the clock; tests inject their own.
	Now func() time.Time

	mu  sync.Mutex
	seq uint64
}

// NewEnv returns an environment with an empty ledger, no faults, the real
// clock and the given settle delay.
func NewEnv(settle time.Duration) *Env {
	return &Env{Ledger: NewLedger(), Faults: NewFaults(1), Webhooks: NewWebhooks(), SettleDelay: settle, Now: time.Now}
}

// Settled reports whether a payout created at created is past the delay.
func (e *Env) Settled(created time.Time) bool {
	return !e.Now().Before(created.Add(e.SettleDelay))
}

// NextID returns a process-unique sequence number for simulator ids.
func (e *Env) NextID() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	return e.seq
}
