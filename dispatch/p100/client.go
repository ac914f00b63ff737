package p100

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// Client is the p100 adapter, a dispatch.Provider.
type Client struct {
	cfg  Config
	http *httpx.Client

	mu       sync.Mutex
	contacts map[string]contactCache // by external user id
}

type contactCache struct {
	approved map[string]bool
	at       time.Time
}

var _ dispatch.Provider = (*Client)(nil)

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	return &Client{
		cfg: cfg,
		http: &httpx.Client{Provider: cfg.Name, BaseURL: cfg.BaseURL, HTTP: cfg.HTTPClient,
			Timeout: cfg.Timeout, MaxBody: cfg.MaxBody, Log: cfg.Logger, Now: cfg.Now},
		contacts: map[string]contactCache{},
	}, nil
}

// Name is the configured provider name.
func (c *Client) Name() string { return c.cfg.Name }

// Capabilities: EUR only, and every payment names its p100 user.
func (c *Client) Capabilities() dispatch.Capabilities {
	return dispatch.Capabilities{Currencies: []string{"EUR"}, NeedsUser: true}
}

func (c *Client) header() http.Header {
	return http.Header{"X-Api-Key": {c.cfg.APIKey}}
}

func (c *Client) path(tmpl, name, value string) string {
	return strings.ReplaceAll(tmpl, "{"+name+"}", url.PathEscape(value))
}

// user is the paying p100 user: the route's, else the payment's own column
// or pain.001 ultimate debtor id.
func user(in *dispatch.Instruction) string {
	switch {
	case in.User != "":
		return in.User
	case in.Payment.ExternalUserID() != "":
		return in.Payment.ExternalUserID()
	}
	return in.Payment.UltimateDebtorID()
}

func (c *Client) title(in *dispatch.Instruction) (string, error) {
	t, err := httpx.Title(in.Key, in.Payment.EndToEndID, in.BatchID, in.Payment.RemittanceInfo, c.cfg.MaxTitleLen)
	if err != nil {
		return "", &dispatch.RejectedError{Code: batch.CH16, Text: "transferTitle: " + err.Error()}
	}
	return t, nil
}

// Preflight checks what p100 would refuse only after accepting the
// transfer: the destination must be an APPROVED contact of the user.
func (c *Client) Preflight(ctx context.Context, in *dispatch.Instruction) error {
	if in.Payment.Amount.Currency != "EUR" {
		return &dispatch.RejectedError{Code: batch.AM03, Text: "p100 pays EUR only"}
	}
	if _, err := c.title(in); err != nil {
		return err
	}
	u := user(in)
	if u == "" {
		return &dispatch.RejectedError{Code: batch.AG01, Text: "no p100 user (external_user_id) for the payment"}
	}
	approved, err := c.approved(ctx, u)
	if err != nil {
		return notSent(err)
	}
	if !approved[normIBAN(in.Payment.CreditorIBAN)] {
		c.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "p100 destination not approved",
			slog.String("key", in.Key), slog.String("user", u), slog.String("iban", batch.MaskIBAN(in.Payment.CreditorIBAN)))
		return &dispatch.RejectedError{Code: batch.AG01, ProviderCode: CodeNotApproved,
			Text: "the creditor IBAN is not an APPROVED contact of the p100 user"}
	}
	return nil
}

// approved returns the user's APPROVED IBANs, cached for ContactsTTL so a
// batch does not fetch the list once per payment.
func (c *Client) approved(ctx context.Context, u string) (map[string]bool, error) {
	now := c.cfg.Now()
	c.mu.Lock()
	cc, ok := c.contacts[u]
	c.mu.Unlock()
	if ok && now.Sub(cc.at) < c.cfg.ContactsTTL {
		return cc.approved, nil
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: c.path(c.cfg.ContactsPath, "externalUserId", u), Header: c.header()})
	if err != nil {
		return nil, err
	}
	if !resp.OK() {
		return nil, c.failure(resp, "contacts")
	}
	var list []contact
	if err := resp.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s contacts: %w", c.cfg.Name, err)
	}
	m := map[string]bool{}
	for _, ct := range list {
		if ct.Status == ContactApproved {
			m[normIBAN(ct.IBAN)] = true
		}
	}
	c.mu.Lock()
	c.contacts[u] = contactCache{approved: m, at: now}
	c.mu.Unlock()
	return m, nil
}

// Submit creates the transfer. p100 has no idempotency key: the key travels
// in transferTitle, where Lookup finds it after a lost answer.
func (c *Client) Submit(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, error) {
	title, err := c.title(in)
	if err != nil {
		return dispatch.Submission{}, err
	}
	u := user(in)
	if u == "" {
		return dispatch.Submission{}, &dispatch.RejectedError{Code: batch.AG01, Text: "no p100 user (external_user_id) for the payment"}
	}
	if in.Payment.Amount.Currency != "EUR" {
		return dispatch.Submission{}, &dispatch.RejectedError{Code: batch.AM03, Text: "p100 pays EUR only"}
	}
	body := createRequest{
		SourceExternalUserID: u,
		Amount:               in.Payment.Amount.String(),
		Currency:             "eur",
		DestinationIBAN:      normIBAN(in.Payment.CreditorIBAN),
		TransferTitle:        title,
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: c.cfg.CreatePath, Header: c.header(), Body: body})
	if err != nil {
		return dispatch.Submission{}, err
	}
	if !resp.OK() {
		return dispatch.Submission{}, c.failure(resp, "create transfer")
	}
	var cr createResponse
	if err := resp.Decode(&cr); err != nil || cr.TransferID == "" {
		// Accepted, but we cannot tell which transfer it made.
		return dispatch.Submission{}, &dispatch.UnknownOutcomeError{Err: fmt.Errorf("%s create transfer: no transferId in the answer", c.cfg.Name)}
	}
	c.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "p100 transfer created", slog.String("key", in.Key),
		slog.String("transfer_id", cr.TransferID), slog.String("user", u),
		slog.String("iban", batch.MaskIBAN(body.DestinationIBAN)), slog.String("amount", body.Amount))
	return dispatch.Submission{Ref: cr.TransferID, Result: dispatch.Result{Status: batch.ACSP, Ref: cr.TransferID}}, nil
}

// Status reads the transfer's details.
func (c *Client) Status(ctx context.Context, in *dispatch.Instruction, ref string) (dispatch.Result, error) {
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: c.path(c.cfg.DetailsPath, "transferId", ref), Header: c.header()})
	if err != nil {
		return dispatch.Result{}, err
	}
	if !resp.OK() {
		return dispatch.Result{}, c.failure(resp, "transfer details")
	}
	var d transferDetails
	if err := resp.Decode(&d); err != nil {
		return dispatch.Result{}, fmt.Errorf("%s transfer details: %w", c.cfg.Name, err)
	}
	return result(ref, d.Status, d.Error), nil
}

// result maps a p100 status to pain.002.
func result(ref, status string, e *apiError) dispatch.Result {
	switch status {
	case StatusSuccessful:
		return dispatch.Result{Status: batch.ACSC, Ref: ref}
	case StatusFailed:
		if e == nil {
			e = &apiError{ErrorMessage: "failed without an error"}
		}
		return dispatch.Result{Status: batch.RJCT, Reason: reason(e), ProviderCode: e.ErrorCode, Text: e.ErrorMessage, Ref: ref}
	}
	return dispatch.Result{Status: batch.ACSP, Ref: ref, ProviderCode: status}
}

// Lookup searches the user's transaction history for the key in
// transferTitle. A complete history without it proves the transfer was not
// made.
func (c *Client) Lookup(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, bool, error) {
	u := user(in)
	if u == "" {
		// Submit refuses without a user, so nothing can have been made.
		return dispatch.Submission{}, false, nil
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodGet, Path: c.path(c.cfg.TransactionsPath, "externalUserId", u), Header: c.header()})
	if err != nil {
		return dispatch.Submission{}, false, err
	}
	if !resp.OK() {
		return dispatch.Submission{}, false, c.failure(resp, "transactions")
	}
	var list []transaction
	if err := resp.Decode(&list); err != nil {
		return dispatch.Submission{}, false, fmt.Errorf("%s transactions: %w", c.cfg.Name, err)
	}
	var found []transaction
	for _, tx := range list {
		if httpx.ParseTitle(tx.TransferTitle).Key == in.Key {
			found = append(found, tx)
		}
	}
	if len(found) == 0 {
		return dispatch.Submission{}, false, nil
	}
	if len(found) > 1 {
		// Should never happen; a person must look at it.
		c.cfg.Logger.LogAttrs(ctx, slog.LevelError, "p100 key found on several transfers",
			slog.String("key", in.Key), slog.Int("count", len(found)))
	}
	tx := found[len(found)-1] // the history is newest first: report the oldest
	return dispatch.Submission{Ref: tx.ID, Result: result(tx.ID, tx.Status, tx.Error)}, true, nil
}
