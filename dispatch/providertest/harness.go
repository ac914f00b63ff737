package providertest

import (
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// Harness is what a provider package gives the suite.
type Harness struct {
	// Name is the provider name: the ledger's provider field and the key
	// under which faults are set.
	Name string
	// Sandbox returns the provider's simulator on env, serving the
	// provider's documented paths at the root (no /p100 prefix).
	Sandbox func(env *simulate.Env) http.Handler
	// NewProvider builds the adapter pointed at the sandbox.
	NewProvider func(t *testing.T, o ClientOptions) dispatch.Provider
	// Instruction returns a valid payment of minor cents (EUR) with the given
	// key, naming a creditor and user the sandbox accepts.
	Instruction func(t *testing.T, key string, minor int64) *dispatch.Instruction
	// IsPayout reports whether a request is the one that moves money (p100
	// create, Wirex execute): the suite injects "commit then drop" and
	// timeouts on it alone, so that preparatory calls (token, estimate)
	// still go through.
	IsPayout func(r *http.Request) bool
	// PayeeVerification is true when .55 means Verification of Payee
	// NO_MATCH (BE01) at this provider; elsewhere .55 succeeds.
	PayeeVerification bool
	// Tokens is true for providers with expiring access tokens; IsToken
	// recognises the token request and TokenLifetime is the sandbox's.
	Tokens        bool
	IsToken       func(r *http.Request) bool
	TokenLifetime time.Duration
	// LedgerKey maps a payment key to the key the sandbox's ledger shows,
	// for providers that only ever see a derived form of it (Solaris: a
	// UUID reference). nil: the key itself.
	LedgerKey func(key string) string
	// Secrets are the credentials NewProvider configures; none may appear
	// in any log line or error.
	Secrets []string
}

// ClientOptions are the suite's settings for one adapter.
type ClientOptions struct {
	BaseURL string
	Timeout time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}
