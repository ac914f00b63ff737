package batch

import (
	"errors"
	"time"
)

// DispatchState is where a payment stands in the exactly-once protocol. Every change
// is persisted (the journal) before the engine acts on it, so that
// after a crash the engine resumes from the last persisted state.
type DispatchState string

// Dispatch states.
const (
	// Queued: routed, waiting to be sent (NextAt may hold a future date).
	Queued DispatchState = "queued"
	// Sending: the intent, with its key, is persisted; the submit call may
	// be in flight. Found at start-up, it is treated as Unknown.
	Sending DispatchState = "sending"
	// Unknown: the submit outcome is unknown; reconcile by Lookup after the
	// grace period before anything else.
	Unknown DispatchState = "unknown"
	// Submitted: the provider accepted it (Ref known); poll until final.
	Submitted DispatchState = "submitted"
	// Done: final (ACSC or RJCT). Nothing more happens.
	Done DispatchState = "done"
	// Review: held as PDNG "needs review": it could not be proved whether
	// the payment was made. Never resent automatically.
	Review DispatchState = "review"
)

// Terminal reports whether the engine will not touch the payment again.
func (s DispatchState) Terminal() bool { return s == Done || s == Review }

// Dispatch is one payment's dispatch record, as persisted by a Journal.
type Dispatch struct {
	PaymentID int64  // the store's id
	BatchID   string // paybatch's batch id
	Provider  string // provider (account) name from the route
	Account   string // provider-side account, see Instruction.Account
	User      string // provider-side user, see Instruction.User
	Key       string // idempotency key, fixed before the first call

	State    DispatchState
	Attempts int       // submit calls made
	NextAt   time.Time // not before this time (backoff, grace, future date, poll)
	SentAt   time.Time // when the last submit call started
	Ref      string    // provider reference once known

	Status       Status
	Reason       ReasonCode
	ProviderCode string
	Text         string

	Payment *Payment // loaded with the record
}

// ErrConflict is returned by a journal's Transition when the record is no
// longer in the expected state (another worker or instance moved it).
var ErrConflict = errors.New("batch: dispatch record changed concurrently")
