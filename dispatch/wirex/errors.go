package wirex

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// reason maps a Wirex error to the pain.002 reason (PROVIDERS.md table).
func reason(e *apiError) batch.ReasonCode {
	switch e.ErrorReason {
	case ErrorNotSupported:
		return batch.AG01
	case ErrorInvalidField, ErrorMissingField:
		switch e.field() {
		case "recipient_account.iban":
			return batch.AC01
		case "recipient_account.bic":
			return batch.RC01
		case "reference":
			return batch.CH16
		case "recipient":
			return batch.RR03
		}
	}
	return batch.NARR
}

// decodeError reads Wirex's error shape; ok is false for anything else.
func decodeError(resp *httpx.Response) (*apiError, bool) {
	var e apiError
	if json.Unmarshal(resp.Body, &e) != nil || e.ErrorReason == "" {
		return nil, false
	}
	return &e, true
}

// failure classifies a non-2xx answer to a call that may move money.
func (c *Client) failure(resp *httpx.Response, what string) error {
	if err := c.http.Transient(resp, what); err != nil {
		return err
	}
	e, ok := decodeError(resp)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		// Refused before it ran, even after a fresh token.
		return &dispatch.NotSentError{Err: fmt.Errorf("%s %s: HTTP %d", c.cfg.Name, what, resp.StatusCode)}
	case !ok:
		// Not Wirex's error shape (a proxy, a wrong path): refused, not run.
		return &dispatch.NotSentError{Err: fmt.Errorf("%s %s: HTTP %d without a Wirex error body", c.cfg.Name, what, resp.StatusCode)}
	}
	text := e.ErrorDescription
	if f := e.field(); f != "" {
		text = f + ": " + text
	}
	return &dispatch.RejectedError{Code: reason(e), ProviderCode: e.ErrorReason, Text: text}
}

// notSent turns a failure of a call that moves no money (token, user,
// estimate) into a NotSentError, keeping rejections as they are.
func notSent(err error) error {
	if _, ok := dispatch.IsRejected(err); ok {
		return err
	}
	if _, ok := dispatch.IsNotSent(err); ok {
		return err
	}
	n := &dispatch.NotSentError{Err: err}
	if u, ok := dispatch.IsUnknown(err); ok {
		n.RetryAfter = u.RetryAfter
	}
	return n
}
