package simulate

import (
	"sync"
	"time"
)

// Entry is one payout a simulator executed (accepted and booked). A payment
// paid twice shows twice: that is what the exactly-once tests look for.
type Entry struct {
	Provider   string    `json:"provider"`
	ID         string    `json:"id"`
	IBAN       string    `json:"iban"`
	Amount     int64     `json:"amount"` // minor units
	Currency   string    `json:"currency"`
	EndToEndID string    `json:"end_to_end_id"`
	BatchID    string    `json:"batch_id"`
	Key        string    `json:"key"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
}

// Ledger records executed payouts. It is safe for concurrent use.
type Ledger struct {
	mu      sync.Mutex
	entries []Entry
	index   map[string]int // provider+"/"+id → position
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{index: map[string]int{}} }

// Record adds a payout.
func (l *Ledger) Record(e Entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.index[e.Provider+"/"+e.ID] = len(l.entries)
	l.entries = append(l.entries, e)
}

// SetStatus updates the status of a recorded payout, if present.
func (l *Ledger) SetStatus(provider, id, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i, ok := l.index[provider+"/"+id]; ok {
		l.entries[i].Status = status
	}
}

// Entries returns a copy of every recorded payout, in order; never nil, so
// an empty ledger is served as the JSON array [] rather than null.
func (l *Ledger) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry{}, l.entries...)
}
