package dispatch

import (
	"context"

	"github.com/paybatch/paybatch/batch"
)

// Provider is one payout provider account as the engine sees it. Every method
// that talks to the provider takes a context and honours its deadline.
//
// The engine's exactly-once protocol relies on the contract of each method:
//   - Preflight checks what the provider can tell before any money moves
//     (p100 contacts, Solaris Verification of Payee, S-money stored bank
//     account, Wirex capability). A *RejectedError here means: never submit.
//   - Submit sends the payment once, carrying in.Key wherever the API has a
//     field for it. It returns the provider's reference, or an error
//     classified as *RejectedError, *UnknownOutcomeError or *NotSentError.
//   - Status fetches the current state of a submitted payment.
//   - Lookup searches the provider for a payment by in.Key after an unknown
//     outcome. found=false with a nil error is a proof that the payment was
//     not made; any error means nothing can be concluded.
type Provider interface {
	Name() string
	Capabilities() Capabilities
	Preflight(ctx context.Context, in *Instruction) error
	Submit(ctx context.Context, in *Instruction) (Submission, error)
	Status(ctx context.Context, in *Instruction, ref string) (Result, error)
	Lookup(ctx context.Context, in *Instruction) (sub Submission, found bool, err error)
}

// Capabilities says what a provider accepts, so the router can reject a
// payment before any call (AM03 currency, RC01 missing BIC, CH16 remittance).
type Capabilities struct {
	Currencies       []string // ISO 4217 codes accepted; empty means any
	RequiresBIC      bool     // the creditor BIC is mandatory (Wirex)
	MaxRemittanceLen int      // 0 means the SEPA 140
	// IdempotentReplay is true when resubmitting with the same key is safe
	// because the provider deduplicates (Solaris reference).
	IdempotentReplay bool
	// NeedsUser is true when the payment must name a provider-side user
	// (p100 external user id).
	NeedsUser bool
}

// Instruction is one payment as sent to a provider.
type Instruction struct {
	// Key is the payment's idempotency key, stored before the first call.
	// Adapters put it in the request (reference, orderid, transferTitle).
	Key     string
	BatchID string
	// Account is the provider-side account the route chose (Solaris account
	// id, S-money appuserid, Wirex account id); empty means the adapter's
	// configured default.
	Account string
	// User is the provider-side user paying out, where the provider needs
	// one (p100 external user id).
	User    string
	Payment *batch.Payment
}

// Submission is what a provider returned for an accepted request.
type Submission struct {
	Ref    string // the provider's own id for the payout
	Result Result // the state the submit response already shows, if any
}

// Result is a provider state mapped to pain.002.
type Result struct {
	Status batch.Status     // ACSP, ACSC, RJCT or PDNG
	Reason batch.ReasonCode // with RJCT (and PDNG "needs review": NARR)
	// ProviderCode and Text are the provider's own words, for AddtlInf.
	ProviderCode string
	Text         string
	Ref          string
}
