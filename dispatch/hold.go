package dispatch

import (
	"errors"
	"fmt"
)

// HoldError is Preflight's answer when the provider asks for a person's
// decision before anything is sent (Solaris Verification of Payee
// CLOSE_MATCH): the payment was not sent and must not be sent automatically.
// The engine keeps it as PDNG "needs review" (reason NARR, ProviderCode and
// Text in AddtlInf).
type HoldError struct {
	ProviderCode string
	Text         string
}

func (e *HoldError) Error() string {
	return fmt.Sprintf("held for review (%s): %s", e.ProviderCode, e.Text)
}

// IsHold reports whether err asks for the payment to be held for review.
func IsHold(err error) (*HoldError, bool) {
	var h *HoldError
	ok := errors.As(err, &h)
	return h, ok
}
