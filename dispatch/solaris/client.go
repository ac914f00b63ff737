package solaris

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// Client is the Solaris adapter: one paying account, one set of client
// credentials. Safe for concurrent use.
type Client struct {
	cfg    Config
	api    *httpx.Client
	tokens *tokenSource

	mu   sync.Mutex
	vops map[string]verification // by payment key, until a create consumes it
}

// verification is a Verification of Payee kept between Preflight and Submit.
type verification struct {
	id, iban, name string
	expires        time.Time
}

var _ dispatch.Provider = (*Client)(nil)

// vopSafety is how long before its expiry a verification is no longer used:
// the create must reach Solaris while the verification is still valid.
const vopSafety = 30 * time.Second

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	c := &Client{cfg: cfg, vops: map[string]verification{}}
	newHTTP := func(base string) *httpx.Client {
		return &httpx.Client{Provider: cfg.Name, BaseURL: base, HTTP: cfg.HTTPClient, Timeout: cfg.Timeout,
			MaxBody: cfg.MaxBodyBytes, Log: cfg.Logger, Now: cfg.Now}
	}
	c.api = newHTTP(cfg.BaseURL)
	c.tokens = &tokenSource{cfg: &c.cfg, auth: newHTTP(cfg.AuthURL)}
	return c, nil
}

// Name is the provider name from the config.
func (c *Client) Name() string { return c.cfg.Name }

// Capabilities: EUR only (SEPA), and a repeated reference is deduplicated
// by Solaris, so a resubmission with the same key is safe.
func (c *Client) Capabilities() dispatch.Capabilities {
	return dispatch.Capabilities{Currencies: []string{"EUR"}, MaxRemittanceLen: maxDescription, IdempotentReplay: true}
}

const (
	maxDescription = 140
	maxEndToEndID  = 35
)

// Preflight checks the payment locally and runs Verification of Payee,
// keeping the verification for Submit.
func (c *Client) Preflight(ctx context.Context, in *dispatch.Instruction) error {
	if _, err := c.request(in); err != nil {
		return err
	}
	v, err := c.verify(ctx, in)
	if err != nil {
		return err
	}
	c.keep(in.Key, v)
	return nil
}

// Submit creates the transfer with the payment's reference. A repeat with
// the same key returns the existing transfer.
func (c *Client) Submit(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, error) {
	body, err := c.request(in)
	if err != nil {
		return dispatch.Submission{}, err
	}
	v, ok := c.take(in)
	if !ok {
		if v, err = c.verify(ctx, in); err != nil {
			return dispatch.Submission{}, err
		}
	}
	body.VerificationOfPayeeID = v.id
	var t transfer
	err = c.do(ctx, http.MethodPost, c.accountPath(in)+"/transactions/sepa_credit_transfer", nil, body, &t)
	var se *statusError
	switch {
	case errors.As(err, &se) && hasCode(se.errs, codeVoPInvalid):
		// The verification expired or was used in between: the transfer
		// was not created, so verifying again and resending is safe.
		return dispatch.Submission{}, &dispatch.NotSentError{Err: err}
	case errors.As(err, &se):
		rej := rejection(se.errs)
		c.log(ctx, "solaris transfer rejected", in, "reason", rej.Code, "provider_code", rej.ProviderCode)
		return dispatch.Submission{}, rej
	case err != nil:
		return dispatch.Submission{}, err
	}
	r := result(&t)
	c.log(ctx, "solaris transfer created", in, "ref", t.ID, "status", t.Status)
	return dispatch.Submission{Ref: t.ID, Result: r}, nil
}

// Status fetches the transfer and maps its status.
func (c *Client) Status(ctx context.Context, in *dispatch.Instruction, ref string) (dispatch.Result, error) {
	var t transfer
	if err := c.do(ctx, http.MethodGet, c.accountPath(in)+"/transactions/sepa_credit_transfer/"+url.PathEscape(ref), nil, nil, &t); err != nil {
		return dispatch.Result{}, err
	}
	return result(&t), nil
}

// Lookup searches the account's transfers for the payment's reference,
// page by page. found=false is returned only after the last page was read.
func (c *Client) Lookup(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, bool, error) {
	ref := Reference(in.Key)
	for page := 1; page <= c.cfg.LookupMaxPages; page++ {
		q := url.Values{
			"filter[reference]": {ref},
			"page[number]":      {fmt.Sprint(page)},
			"page[size]":        {fmt.Sprint(c.cfg.LookupPageSize)},
		}
		var list []transfer
		if err := c.do(ctx, http.MethodGet, c.accountPath(in)+"/transactions/sepa_credit_transfer", q, nil, &list); err != nil {
			return dispatch.Submission{}, false, err
		}
		for i := range list {
			if list[i].Reference == ref {
				return dispatch.Submission{Ref: list[i].ID, Result: result(&list[i])}, true, nil
			}
		}
		if len(list) < c.cfg.LookupPageSize {
			return dispatch.Submission{}, false, nil
		}
	}
	return dispatch.Submission{}, false, fmt.Errorf("solaris lookup: more than %d pages of transfers, nothing concluded", c.cfg.LookupMaxPages)
}

// request builds the create body, rejecting locally what Solaris would
// refuse, so that nothing is cut or sent half-valid.
func (c *Client) request(in *dispatch.Instruction) (*transferRequest, error) {
	if in == nil || in.Payment == nil {
		return nil, &dispatch.RejectedError{Code: batch.NARR, Text: "no payment"}
	}
	p := in.Payment
	switch {
	case p.Amount.Currency != "EUR":
		return nil, &dispatch.RejectedError{Code: batch.AM03, Text: "solaris pays EUR only, not " + p.Amount.Currency}
	case p.Amount.Minor <= 0:
		return nil, &dispatch.RejectedError{Code: batch.AM01, Text: "amount must be positive"}
	case p.CreditorIBAN == "":
		return nil, &dispatch.RejectedError{Code: batch.AC01, Text: "creditor IBAN missing"}
	case strings.TrimSpace(p.CreditorName) == "":
		return nil, &dispatch.RejectedError{Code: batch.RR03, Text: "creditor name missing (needed for Verification of Payee)"}
	case utf8.RuneCountInString(p.RemittanceInfo) > maxDescription:
		return nil, &dispatch.RejectedError{Code: batch.CH16, Text: "remittance longer than 140 characters"}
	case len(p.EndToEndID) > maxEndToEndID:
		return nil, &dispatch.RejectedError{Code: batch.CH16, Text: "end-to-end id longer than 35 characters"}
	case in.Key == "":
		return nil, &dispatch.RejectedError{Code: batch.NARR, Text: "payment has no idempotency key"}
	}
	return &transferRequest{
		Amount:        Money{Value: p.Amount.Minor, Unit: "cents", Currency: p.Amount.Currency},
		RecipientIBAN: p.CreditorIBAN,
		RecipientName: p.CreditorName,
		RecipientBIC:  p.CreditorBIC,
		Reference:     Reference(in.Key),
		Description:   description(p.RemittanceInfo, in.BatchID),
		EndToEndID:    p.EndToEndID,
	}, nil
}

// description is the remittance text, followed by the batch id when it fits
// in the 140 characters; the remittance itself is never shortened.
func description(remittance, batchID string) string {
	if batchID == "" {
		return remittance
	}
	tag := "batch " + batchID
	if remittance == "" {
		if utf8.RuneCountInString(tag) <= maxDescription {
			return tag
		}
		return ""
	}
	if s := remittance + " / " + tag; utf8.RuneCountInString(s) <= maxDescription {
		return s
	}
	return remittance
}

// verify runs Verification of Payee and applies the policy. Failures to
// reach the service are *dispatch.NotSentError: no transfer was attempted.
func (c *Client) verify(ctx context.Context, in *dispatch.Instruction) (verification, error) {
	p := in.Payment
	var v vopResponse
	err := c.do(ctx, http.MethodPost, "/v1/verifications_of_payee", nil, vopRequest{IBAN: p.CreditorIBAN, Name: p.CreditorName}, &v)
	var se *statusError
	switch {
	case errors.As(err, &se):
		return verification{}, rejection(se.errs)
	case err != nil:
		if _, ok := dispatch.IsNotSent(err); ok {
			return verification{}, err
		}
		return verification{}, &dispatch.NotSentError{Err: fmt.Errorf("verification of payee: %w", err)}
	}
	c.log(ctx, "solaris verification of payee", in, "result", v.Result.Status)
	switch v.Result.Status {
	case vopMatch, vopNotPossible, vopNotSupported:
	case vopNoMatch:
		return verification{}, &dispatch.RejectedError{Code: batch.BE01, ProviderCode: vopNoMatch, Text: "Verification of Payee: name does not match the account"}
	case vopCloseMatch:
		if c.cfg.CloseMatch == CloseMatchReject {
			return verification{}, &dispatch.RejectedError{Code: batch.BE01, ProviderCode: vopCloseMatch, Text: "Verification of Payee: name is only a close match"}
		}
		return verification{}, &dispatch.HoldError{ProviderCode: vopCloseMatch, Text: "Verification of Payee: name is only a close match; confirm before sending"}
	default:
		return verification{}, &dispatch.HoldError{ProviderCode: v.Result.Status, Text: "Verification of Payee: unknown result"}
	}
	exp, err := time.Parse(time.RFC3339, v.ExpiresAt)
	if err != nil {
		exp = c.cfg.Now().Add(time.Minute) // the documented minimum: "expires after minutes"
	}
	return verification{id: v.ID, iban: p.CreditorIBAN, name: p.CreditorName, expires: exp}, nil
}

// keep stores a verification for Submit and forgets expired ones, so
// payments that never reach Submit do not accumulate.
func (c *Client) keep(key string, v verification) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.cfg.Now()
	for k, old := range c.vops {
		if !now.Before(old.expires) {
			delete(c.vops, k)
		}
	}
	c.vops[key] = v
}

// take removes and returns the payment's verification if it is still
// usable for the same creditor: a verification is consumed by one create.
func (c *Client) take(in *dispatch.Instruction) (verification, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.vops[in.Key]
	delete(c.vops, in.Key)
	if !ok || v.iban != in.Payment.CreditorIBAN || v.name != in.Payment.CreditorName {
		return verification{}, false
	}
	return v, c.cfg.Now().Add(vopSafety).Before(v.expires)
}

func (c *Client) accountPath(in *dispatch.Instruction) string {
	acct := c.cfg.AccountID
	if in != nil && in.Account != "" {
		acct = in.Account
	}
	if c.cfg.PersonID != "" {
		return "/v1/persons/" + url.PathEscape(c.cfg.PersonID) + "/accounts/" + url.PathEscape(acct)
	}
	return "/v1/accounts/" + url.PathEscape(acct)
}

// statusError is a final 4xx answer with Solaris' error entries.
type statusError struct {
	status int
	errs   []apiError
}

func (e *statusError) Error() string {
	return fmt.Sprintf("solaris HTTP %d: %s", e.status, describe(e.errs))
}

// do sends one API call with a bearer token and decodes a 2xx answer into
// out. A 401 (expired or revoked token) fetches a new token and repeats the
// call once: Solaris did not process a request it refused to authenticate.
// 429 and 5xx are *dispatch.UnknownOutcomeError; other 4xx *statusError.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.get(ctx)
		if err != nil {
			return err
		}
		resp, err := c.api.Do(ctx, httpx.Request{Method: method, Path: path, Query: q, Body: in,
			Header: http.Header{"Authorization": {"Bearer " + tok}}})
		if err != nil {
			return err
		}
		if err := c.api.Transient(resp, method+" "+path); err != nil {
			return err
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized && attempt == 0:
			c.tokens.invalidate(tok)
			continue
		case resp.StatusCode == http.StatusUnauthorized:
			// Not a *statusError inside: callers map those to rejections.
			return &dispatch.NotSentError{Err: fmt.Errorf("solaris HTTP 401: %s", describe(parseErrors(resp.Body)))}
		case resp.StatusCode >= 400:
			return &statusError{status: resp.StatusCode, errs: parseErrors(resp.Body)}
		case !resp.OK():
			return &dispatch.UnknownOutcomeError{Err: fmt.Errorf("solaris %s %s: unexpected HTTP %d", method, path, resp.StatusCode)}
		}
		if out != nil {
			if err := resp.Decode(out); err != nil {
				// The call succeeded but its answer is unreadable: for a
				// create that is an unknown outcome, for a read no answer.
				return &dispatch.UnknownOutcomeError{Err: fmt.Errorf("solaris %s %s: %w", method, path, err)}
			}
		}
		return nil
	}
}

func (c *Client) log(ctx context.Context, msg string, in *dispatch.Instruction, args ...any) {
	p := in.Payment
	args = append(args, "provider", c.cfg.Name, "key", in.Key, "batch_id", in.BatchID,
		"end_to_end_id", p.EndToEndID, "iban", batch.MaskIBAN(p.CreditorIBAN), "amount", p.Amount.String(), "currency", p.Amount.Currency)
	c.cfg.Logger.InfoContext(ctx, msg, args...)
}
