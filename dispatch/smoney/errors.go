package smoney

import (
	"encoding/json"
	"fmt"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
)

// parseError reads S-money's error body; ok is false for another shape.
func parseError(body []byte) (apiError, bool) {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Code == 0 {
		return apiError{}, false
	}
	return e, true
}

func (e apiError) String() string {
	s := fmt.Sprintf("%d", e.Code)
	if e.Title != "" {
		s += " " + e.Title
	}
	if e.ErrorMessage != "" {
		s += ": " + e.ErrorMessage
	}
	return s
}

// reason maps an S-money error code to pain.002 (PROVIDERS.md mapping).
func reason(code int) batch.ReasonCode {
	switch {
	case code == codeInsufficientBalance:
		return batch.AM04
	case code == codeBICInvalid, code == codeBICUnknown, code == codeBICMismatch:
		return batch.RC01
	case code == codeAccountIncorrect, code == codeBankAccountNotFound, code >= 179 && code <= 190:
		return batch.AC01
	case code == codeNotAllowed, code == codeKYCLimit1, code == codeKYCLimit2, code == codeTooManyAccounts:
		return batch.AG01
	}
	return batch.NARR
}

func rejection(e apiError) *dispatch.RejectedError {
	return &dispatch.RejectedError{Code: reason(e.Code), ProviderCode: fmt.Sprint(e.Code), Text: e.String()}
}

// result maps a payout to pain.002. A failed fee comes first: a payout can
// carry a date and still have been refused.
func result(p *payout) dispatch.Result {
	r := dispatch.Result{Ref: fmt.Sprint(p.ID), ProviderCode: fmt.Sprintf("fee_status:%d", p.Fee.Status)}
	switch {
	case p.Fee.Status == feeCancelled:
		r.Status, r.Reason, r.Text = batch.RJCT, batch.NARR, "payout cancelled"
	case p.Fee.Status == feeFailed:
		r.Status, r.Reason, r.Text = batch.RJCT, batch.NARR, "payout failed"
	case p.Fee.Status == feeExpired:
		r.Status, r.Reason, r.Text = batch.RJCT, batch.NARR, "payout expired"
	case p.ExecutedDate != nil && *p.ExecutedDate != "":
		r.Status, r.ProviderCode = batch.ACSC, "executed"
	default:
		r.Status = batch.ACSP
	}
	return r
}
