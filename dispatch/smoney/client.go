package smoney

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// Client is the S-money adapter for one partner. Safe for concurrent use.
type Client struct {
	cfg Config
	api *httpx.Client

	// regMu serialises finding and registering bank accounts, so two
	// payments to a new IBAN register it once.
	regMu    sync.Mutex
	mu       sync.Mutex
	accounts map[string]int64 // appuserid + "/" + IBAN → stored account id
}

var _ dispatch.Provider = (*Client)(nil)

const (
	maxMotif     = 35
	maxReference = 35
	maxOrderID   = 255
	maxMessage   = 140
)

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Client{
		cfg: cfg,
		api: &httpx.Client{Provider: cfg.Name, BaseURL: strings.TrimRight(cfg.BaseURL, "/") + "/api/" + url.PathEscape(cfg.PartnerDomain),
			HTTP: cfg.HTTPClient, Timeout: cfg.Timeout, MaxBody: cfg.MaxBodyBytes, Log: cfg.Logger, Now: cfg.Now},
		accounts: map[string]int64{},
	}, nil
}

// Name is the provider name from the config.
func (c *Client) Name() string { return c.cfg.Name }

// Capabilities: EUR; under the reject policy the remittance must fit the
// 35-character motif. No documented idempotency: the engine looks up by
// orderid before any resend.
func (c *Client) Capabilities() dispatch.Capabilities {
	limit := maxMotif
	if c.cfg.MotifPolicy == MotifTruncate {
		limit = 0
	}
	return dispatch.Capabilities{Currencies: []string{"EUR"}, MaxRemittanceLen: limit}
}

// Preflight checks the payment locally and makes sure the creditor's bank
// account is stored and validated for the paying user.
func (c *Client) Preflight(ctx context.Context, in *dispatch.Instruction) error {
	if _, err := c.request(in, 0); err != nil {
		return err
	}
	_, err := c.bankAccount(ctx, in)
	return err
}

// Submit creates the payout with orderid = the payment key.
func (c *Client) Submit(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, error) {
	if _, err := c.request(in, 0); err != nil {
		return dispatch.Submission{}, err
	}
	id, err := c.bankAccount(ctx, in)
	if err != nil {
		return dispatch.Submission{}, err
	}
	body, _ := c.request(in, id)
	var p payout
	err = c.call(ctx, http.MethodPost, c.userPath(in)+"/payouts/storedbankaccounts", body, &p)
	var ae *apiStatusError
	switch {
	case errors.As(err, &ae) && ae.e.Code == codeDuplicateOrder:
		// The orderid exists: this payment was already created. Answer
		// with that payout instead of paying twice.
		sub, found, lerr := c.Lookup(ctx, in)
		if lerr != nil || !found {
			return dispatch.Submission{}, &dispatch.UnknownOutcomeError{Err: fmt.Errorf("smoney: orderid exists but cannot be read: %v", lerr)}
		}
		return sub, nil
	case errors.As(err, &ae):
		rej := rejection(ae.e)
		c.log(ctx, "smoney payout rejected", in, "reason", rej.Code, "provider_code", rej.ProviderCode)
		return dispatch.Submission{}, rej
	case err != nil:
		return dispatch.Submission{}, err
	}
	r := result(&p)
	c.log(ctx, "smoney payout created", in, "ref", r.Ref)
	return dispatch.Submission{Ref: r.Ref, Result: r}, nil
}

// Status reads the payout by orderid (the key); ref is S-money's id.
func (c *Client) Status(ctx context.Context, in *dispatch.Instruction, ref string) (dispatch.Result, error) {
	p, found, err := c.get(ctx, in)
	if err != nil {
		return dispatch.Result{}, err
	}
	if !found {
		return dispatch.Result{}, fmt.Errorf("smoney: payout %s (orderid %s) not found", ref, in.Key)
	}
	return result(p), nil
}

// Lookup reads the payout by orderid: 404 code 356 proves it was not made.
func (c *Client) Lookup(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, bool, error) {
	p, found, err := c.get(ctx, in)
	if err != nil || !found {
		return dispatch.Submission{}, false, err
	}
	r := result(p)
	return dispatch.Submission{Ref: r.Ref, Result: r}, true, nil
}

func (c *Client) get(ctx context.Context, in *dispatch.Instruction) (*payout, bool, error) {
	if in == nil || in.Key == "" {
		return nil, false, errors.New("smoney: payment has no key")
	}
	var p payout
	err := c.call(ctx, http.MethodGet, c.userPath(in)+"/payouts/"+url.PathEscape(in.Key), nil, &p)
	var ae *apiStatusError
	switch {
	case errors.As(err, &ae) && ae.status == http.StatusNotFound && ae.e.Code == codeNotFound:
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	if p.OrderID != in.Key {
		// Never conclude from an answer about another payout.
		return nil, false, fmt.Errorf("smoney: asked for orderid %q, got %q", in.Key, p.OrderID)
	}
	return &p, true, nil
}

// request builds the payout body, rejecting locally what S-money would
// refuse or what would have to be cut silently.
func (c *Client) request(in *dispatch.Instruction, accountID int64) (*payoutRequest, error) {
	if in == nil || in.Payment == nil {
		return nil, &dispatch.RejectedError{Code: batch.NARR, Text: "no payment"}
	}
	p := in.Payment
	motif := p.RemittanceInfo
	switch {
	case in.Key == "" || len(in.Key) > maxOrderID:
		return nil, &dispatch.RejectedError{Code: batch.NARR, Text: "idempotency key missing or longer than 255 characters"}
	case p.Amount.Currency != "EUR":
		return nil, &dispatch.RejectedError{Code: batch.AM03, Text: "smoney pays EUR only, not " + p.Amount.Currency}
	case p.Amount.Minor <= 0:
		return nil, &dispatch.RejectedError{Code: batch.AM01, Text: "amount must be positive"}
	case p.CreditorIBAN == "":
		return nil, &dispatch.RejectedError{Code: batch.AC01, Text: "creditor IBAN missing"}
	case strings.TrimSpace(p.CreditorName) == "":
		return nil, &dispatch.RejectedError{Code: batch.RR03, Text: "creditor name missing"}
	case len(p.EndToEndID) > maxReference:
		return nil, &dispatch.RejectedError{Code: batch.CH16, Text: "end-to-end id longer than 35 characters"}
	case utf8.RuneCountInString(motif) > maxMessage:
		return nil, &dispatch.RejectedError{Code: batch.CH16, Text: "remittance longer than 140 characters"}
	case utf8.RuneCountInString(motif) > maxMotif && c.cfg.MotifPolicy == MotifReject:
		return nil, &dispatch.RejectedError{Code: batch.CH16, Text: "remittance longer than the 35-character S-money motif"}
	case utf8.RuneCountInString(motif) > maxMotif:
		motif = string([]rune(motif)[:maxMotif])
	}
	req := &payoutRequest{
		OrderID: in.Key, Amount: p.Amount.Minor, BankAccount: idRef{ID: accountID},
		Fee: fee{AmountWithVAT: 0, VAT: 0}, Message: message(p.RemittanceInfo, in.BatchID),
		Reference: p.EndToEndID, Motif: motif,
	}
	if c.cfg.AppAccountID != "" {
		req.AccountID = &accountRef{AppAccountID: c.cfg.AppAccountID}
	}
	return req, nil
}

// message is the remittance followed by the batch id when it fits.
func message(remittance, batchID string) string {
	if batchID == "" {
		return remittance
	}
	tag := "batch " + batchID
	if remittance == "" {
		return tag
	}
	if s := remittance + " / " + tag; utf8.RuneCountInString(s) <= maxMessage {
		return s
	}
	return remittance
}

func (c *Client) user(in *dispatch.Instruction) string {
	if in != nil && in.Account != "" {
		return in.Account
	}
	return c.cfg.AppUserID
}

func (c *Client) userPath(in *dispatch.Instruction) string {
	return "/users/" + url.PathEscape(c.user(in))
}

// apiStatusError is a 4xx answer in S-money's error shape (or without one).
type apiStatusError struct {
	status int
	e      apiError
}

func (e *apiStatusError) Error() string {
	return fmt.Sprintf("smoney HTTP %d: %s", e.status, e.e)
}

// call sends one request and decodes a 2xx answer into out. 429 and 5xx are
// unknown outcomes; 401/403 are not-sent (S-money refused to authenticate
// the request, so it was not processed); other 4xx are *apiStatusError.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	req := httpx.Request{Method: method, Path: path, Body: in,
		Header: http.Header{"Authorization": {"Bearer " + c.cfg.Token}, "Accept": {MediaType}}}
	if in != nil {
		req.ContentType = MediaType
		// httpx sends []byte as is with ContentType; marshal here so the
		// versioned media type is used for the JSON body.
		b, err := marshal(in)
		if err != nil {
			return &dispatch.NotSentError{Err: err}
		}
		req.Body = b
	}
	resp, err := c.api.Do(ctx, req)
	if err != nil {
		return err
	}
	if err := c.api.Transient(resp, method+" "+path); err != nil {
		return err
	}
	e, _ := parseError(resp.Body)
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return &dispatch.NotSentError{Err: fmt.Errorf("smoney %s %s: authentication refused: HTTP %d", method, path, resp.StatusCode)}
	case resp.StatusCode >= 400:
		return &apiStatusError{status: resp.StatusCode, e: e}
	case !resp.OK():
		return &dispatch.UnknownOutcomeError{Err: fmt.Errorf("smoney %s %s: unexpected HTTP %d", method, path, resp.StatusCode)}
	}
	if out != nil {
		if err := resp.Decode(out); err != nil {
			return &dispatch.UnknownOutcomeError{Err: fmt.Errorf("smoney %s %s: %w", method, path, err)}
		}
	}
	return nil
}

func (c *Client) log(ctx context.Context, msg string, in *dispatch.Instruction, args ...any) {
	p := in.Payment
	args = append(args, "provider", c.cfg.Name, "key", in.Key, "batch_id", in.BatchID,
		"end_to_end_id", p.EndToEndID, "iban", batch.MaskIBAN(p.CreditorIBAN), "amount", p.Amount.String(), "currency", p.Amount.Currency)
	c.cfg.Logger.InfoContext(ctx, msg, args...)
}
