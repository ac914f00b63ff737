package dispatch

import (
	"errors"
	"fmt"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// RejectedError is a final, negative answer: the payment was not and will
// not be made. Code is the pain.002 reason.
type RejectedError struct {
	Code         batch.ReasonCode
	ProviderCode string // the provider's own code, e.g. "P433"
	Text         string // the provider's message
}

func (e *RejectedError) Error() string {
	if e.ProviderCode != "" {
		return fmt.Sprintf("rejected %s (%s): %s", e.Code, e.ProviderCode, e.Text)
	}
	return fmt.Sprintf("rejected %s: %s", e.Code, e.Text)
}

// UnknownOutcomeError means the request may have reached the provider and
// taken effect: a timeout, a 5xx, a 429, a reset after sending. The payment
// must be reconciled by Lookup before anything is resent.
type UnknownOutcomeError struct {
	Err        error
	RetryAfter time.Duration // from a Retry-After header, if any
}

func (e *UnknownOutcomeError) Error() string { return "unknown outcome: " + e.Err.Error() }
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// NotSentError means the request certainly did not take effect (connection
// refused, DNS, an auth failure before the payout request). A retry is safe.
type NotSentError struct {
	Err        error
	RetryAfter time.Duration
}

func (e *NotSentError) Error() string { return "not sent: " + e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// IsRejected, IsUnknown and IsNotSent classify an error with errors.As.
func IsRejected(err error) (*RejectedError, bool) {
	var r *RejectedError
	ok := errors.As(err, &r)
	return r, ok
}

// IsUnknown reports whether err is an unknown outcome.
func IsUnknown(err error) (*UnknownOutcomeError, bool) {
	var u *UnknownOutcomeError
	ok := errors.As(err, &u)
	return u, ok
}

// IsNotSent reports whether err proves the request was not made.
func IsNotSent(err error) (*NotSentError, bool) {
	var n *NotSentError
	ok := errors.As(err, &n)
	return n, ok
}
