package dispatch

import (
	"context"
	"errors"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// State is where a payment stands in the exactly-once protocol. Every change
// is persisted (Journal.Transition) before the engine acts on it, so that
// after a crash the engine resumes from the last persisted state.
type State string

// Dispatch states.
const (
	// Queued: routed, waiting to be sent (NextAt may hold a future date).
	Queued State = "queued"
	// Sending: the intent, with its key, is persisted; the submit call may
	// be in flight. Found at start-up, it is treated as Unknown.
	Sending State = "sending"
	// Unknown: the submit outcome is unknown; reconcile by Lookup after the
	// grace period before anything else.
	Unknown State = "unknown"
	// Submitted: the provider accepted it (Ref known); poll until final.
	Submitted State = "submitted"
	// Done: final (ACSC or RJCT). Nothing more happens.
	Done State = "done"
	// Review: held as PDNG "needs review": it could not be proved whether
	// the payment was made. Never resent automatically.
	Review State = "review"
)

// Terminal reports whether the engine will not touch the payment again.
func (s State) Terminal() bool { return s == Done || s == Review }

// Work is one payment's dispatch record, as persisted by a Journal.
type Work struct {
	PaymentID int64  // the store's id
	BatchID   string // paybatch's batch id
	Provider  string // provider (account) name from the route
	Account   string // provider-side account, see Instruction.Account
	User      string // provider-side user, see Instruction.User
	Key       string // idempotency key, fixed before the first call

	State    State
	Attempts int       // submit calls made
	NextAt   time.Time // not before this time (backoff, grace, future date, poll)
	SentAt   time.Time // when the last submit call started
	Ref      string    // provider reference once known

	Status       batch.Status
	Reason       batch.ReasonCode
	ProviderCode string
	Text         string

	Payment *batch.Payment // loaded with the record
}

// ErrConflict is returned by Journal.Transition when the record is no
// longer in the expected state (another worker or instance moved it).
var ErrConflict = errors.New("dispatch: work record changed concurrently")

// Journal persists dispatch records. The store implements it over SQLite;
// every Transition is one transaction that also appends an audit event.
type Journal interface {
	// Due returns up to limit records of provider in a non-terminal state
	// (Queued, Sending, Unknown, Submitted) whose NextAt <= now, oldest
	// NextAt first.
	Due(ctx context.Context, provider string, now time.Time, limit int) ([]*Work, error)
	// Transition writes w (all mutable fields) if the stored state is still
	// from, else returns ErrConflict. why goes into the audit event.
	Transition(ctx context.Context, w *Work, from State, why string) error
	// Get reloads one record.
	Get(ctx context.Context, paymentID int64) (*Work, error)
	// FindByRef finds a record by provider and provider reference (webhooks).
	FindByRef(ctx context.Context, provider, ref string) (*Work, error)
}
