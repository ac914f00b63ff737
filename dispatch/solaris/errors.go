package solaris

import (
	"encoding/json"
	"strings"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
)

// parseErrors reads Solaris' error envelope; a body in another shape gives
// no entries (the caller still has the HTTP status).
func parseErrors(body []byte) []apiError {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return nil
	}
	return eb.Errors
}

// describe joins the provider's codes and titles for a message.
func describe(errs []apiError) string {
	if len(errs) == 0 {
		return "no error details"
	}
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		s := e.Code
		if e.Title != "" {
			s += ": " + e.Title
		}
		if e.Detail != "" {
			s += " (" + e.Detail + ")"
		}
		if e.Source != nil && e.Source.Field != "" {
			s += " [" + e.Source.Field + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// rejection maps a final 4xx answer to the pain.002 reason of PROVIDERS.md.
// The first entry with a known meaning wins; otherwise NARR with the codes.
func rejection(errs []apiError) *dispatch.RejectedError {
	for _, e := range errs {
		field := ""
		if e.Source != nil {
			field = e.Source.Field
		}
		var code batch.ReasonCode
		switch {
		case e.Code == codeInsufficientFunds:
			code = batch.AM04
		case (e.Code == codeInvalidModel || e.Code == codeValidationError) && (field == fieldRecipientIBAN || field == "iban"):
			code = batch.AC01
		case (e.Code == codeInvalidModel || e.Code == codeValidationError) && field == fieldRecipientBIC:
			code = batch.RC01
		case e.Code == codeVoPNoMatch:
			code = batch.BE01
		case e.Code == codeForbidden:
			code = batch.AG01
		default:
			continue
		}
		return &dispatch.RejectedError{Code: code, ProviderCode: e.Code, Text: describe([]apiError{e})}
	}
	pc := "http"
	if len(errs) > 0 {
		pc = errs[0].Code
	}
	return &dispatch.RejectedError{Code: batch.NARR, ProviderCode: pc, Text: describe(errs)}
}

// hasCode reports whether any entry has the code.
func hasCode(errs []apiError, code string) bool {
	for _, e := range errs {
		if e.Code == code {
			return true
		}
	}
	return false
}

// declineReason maps a declined transfer's reason [I] to pain.002.
func declineReason(reason string) batch.ReasonCode {
	switch reason {
	case declineInsufficientFunds:
		return batch.AM04
	case declineInvalidAccount:
		return batch.AC01
	case declineNotAllowed:
		return batch.AG01
	}
	return batch.NARR
}

// result maps a transfer to pain.002 (PROVIDERS.md, mapping table).
func result(t *transfer) dispatch.Result {
	r := dispatch.Result{Ref: t.ID, ProviderCode: t.Status}
	switch t.Status {
	case stExecuted:
		r.Status = batch.ACSC
	case stDeclined:
		r.Status, r.Reason = batch.RJCT, declineReason(t.DeclineReason)
		r.ProviderCode = "declined"
		if t.DeclineReason != "" {
			r.ProviderCode += ":" + t.DeclineReason
		}
		r.Text = "transfer declined"
	case stCanceled:
		r.Status, r.Reason, r.Text = batch.RJCT, batch.NARR, "transfer canceled"
	default:
		// created, authorization_required, confirmation_required, accepted,
		// scheduled, review_needed, and any status added later: not final.
		r.Status = batch.ACSP
	}
	return r
}
