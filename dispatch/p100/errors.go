package p100

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// ErrTransferNotFound is wrapped by Status when p100 does not know the id
// (P428): nothing about the payment can be concluded from it.
var ErrTransferNotFound = errors.New("p100: transfer not found")

// reason maps a p100 error to the pain.002 reason (PROVIDERS.md table).
func reason(e *apiError) batch.ReasonCode {
	switch e.ErrorCode {
	case CodeInsufficient:
		return batch.AM04
	case CodeNotApproved, CodeInvalidUser:
		return batch.AG01
	case CodeValidation:
		if e.ErrorName == NameInvalidIBAN {
			return batch.AC01
		}
	}
	return batch.NARR
}

// failure classifies a non-2xx answer. A 401 or 403 was refused before
// anything ran, even on the create call, so it is NotSent.
func (c *Client) failure(resp *httpx.Response, what string) error {
	if err := c.http.Transient(resp, what); err != nil {
		return err
	}
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		// Refused before anything ran: safe to retry once the key is fixed.
		return &dispatch.NotSentError{Err: fmt.Errorf("%s %s: HTTP %d %s", c.cfg.Name, what, resp.StatusCode, e.ErrorMessage)}
	case e.ErrorCode == CodeUnknown || e.ErrorCode == CodeUnavailable:
		// p100 sends these as HTTP 400, but they say nothing about whether
		// the transfer was made.
		return &dispatch.UnknownOutcomeError{Err: fmt.Errorf("%s %s: %s %s", c.cfg.Name, what, e.ErrorCode, e.ErrorMessage)}
	case e.ErrorCode == CodeNotFound:
		return fmt.Errorf("%s %s: %w (%s)", c.cfg.Name, what, ErrTransferNotFound, e.ErrorCode)
	case e.ErrorCode == "":
		// Not p100's error shape (a proxy, a wrong path): refused, not run.
		return &dispatch.NotSentError{Err: fmt.Errorf("%s %s: HTTP %d without a p100 error body", c.cfg.Name, what, resp.StatusCode)}
	}
	return &dispatch.RejectedError{Code: reason(&e), ProviderCode: e.ErrorCode, Text: e.ErrorMessage}
}

// notSent turns any failure of a read-only call made before the payout into
// a NotSentError: nothing was paid whatever happened to the read.
func notSent(err error) error {
	if _, ok := dispatch.IsRejected(err); ok {
		return err
	}
	if _, ok := dispatch.IsNotSent(err); ok {
		return err
	}
	var retry dispatch.NotSentError
	if u, ok := dispatch.IsUnknown(err); ok {
		retry.RetryAfter = u.RetryAfter
	}
	retry.Err = err
	return &retry
}
