package wirex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// Client is the Wirex adapter, a dispatch.Provider.
type Client struct {
	cfg  Config
	http *httpx.Client
	tok  tokens

	mu      sync.Mutex
	capsAt  time.Time
	capable bool
}

var _ dispatch.Provider = (*Client)(nil)

// ErrFeedTooLong means the activity feed was not read to its end, so the
// absence of a payment in it proves nothing.
var ErrFeedTooLong = errors.New("wirex: activity feed longer than FeedMaxPages")

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	return &Client{cfg: cfg, http: &httpx.Client{Provider: cfg.Name, BaseURL: cfg.BaseURL, HTTP: cfg.HTTPClient,
		Timeout: cfg.Timeout, MaxBody: cfg.MaxBody, Log: cfg.Logger, Now: cfg.Now}}, nil
}

// Name is the configured provider name.
func (c *Client) Name() string { return c.cfg.Name }

// Capabilities: EUR, BIC mandatory, reference limited to 140 (key included).
func (c *Client) Capabilities() dispatch.Capabilities {
	return dispatch.Capabilities{Currencies: []string{"EUR"}, RequiresBIC: true}
}

func (c *Client) reference(in *dispatch.Instruction) (string, error) {
	r, err := httpx.Title(in.Key, in.Payment.EndToEndID, in.BatchID, in.Payment.RemittanceInfo, MaxReference)
	if err != nil {
		return "", &dispatch.RejectedError{Code: batch.CH16, Text: "reference: " + err.Error()}
	}
	return r, nil
}

// check refuses what Wirex would refuse without a call.
func (c *Client) check(in *dispatch.Instruction) error {
	if in.Payment.Amount.Currency != "EUR" {
		return &dispatch.RejectedError{Code: batch.AM03, Text: "Wirex pays EUR only"}
	}
	if strings.TrimSpace(in.Payment.CreditorBIC) == "" {
		return &dispatch.RejectedError{Code: batch.RC01, Text: "Wirex requires the creditor BIC"}
	}
	_, err := c.reference(in)
	return err
}

// Preflight checks the BIC, the reference and that the user may pay third
// parties (GET /api/v2/user, cached).
func (c *Client) Preflight(ctx context.Context, in *dispatch.Instruction) error {
	if err := c.check(in); err != nil {
		return err
	}
	ok, err := c.thirdPartyAllowed(ctx)
	if err != nil {
		return notSent(err)
	}
	if !ok {
		return &dispatch.RejectedError{Code: batch.AG01, ProviderCode: ErrorNotSupported, Text: "the Wirex user lacks " + CapabilityThirdParty}
	}
	return nil
}

func (c *Client) thirdPartyAllowed(ctx context.Context) (bool, error) {
	now := c.cfg.Now()
	c.mu.Lock()
	if !c.capsAt.IsZero() && now.Sub(c.capsAt) < c.cfg.CapabilityTTL {
		defer c.mu.Unlock()
		return c.capable, nil
	}
	c.mu.Unlock()
	resp, err := c.call(ctx, httpx.Request{Method: http.MethodGet, Path: c.cfg.UserPath})
	if err != nil {
		return false, err
	}
	if !resp.OK() {
		return false, c.failure(resp, "user")
	}
	var u userResponse
	if err := resp.Decode(&u); err != nil {
		return false, fmt.Errorf("%s user: %w", c.cfg.Name, err)
	}
	ok := slices.Contains(u.Capabilities, CapabilityThirdParty)
	c.mu.Lock()
	c.capsAt, c.capable = now, ok
	c.mu.Unlock()
	return ok, nil
}

func (c *Client) account(in *dispatch.Instruction) string {
	if in.Account != "" {
		return in.Account
	}
	return c.cfg.AccountID
}

func (c *Client) recipient(name string) recipient {
	f := strings.Fields(name)
	if c.cfg.RecipientAsCompany || len(f) < 2 {
		return recipient{CompanyName: strings.Join(f, " ")}
	}
	return recipient{FirstName: strings.Join(f[:len(f)-1], " "), LastName: f[len(f)-1]}
}

// Submit estimates, then executes the estimation. Wirex has no idempotency
// key: the reference carries ours, and Lookup searches the feed for it.
func (c *Client) Submit(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, error) {
	if err := c.check(in); err != nil {
		return dispatch.Submission{}, err
	}
	ref, _ := c.reference(in)
	est := estimateRequest{
		AccountID: c.account(in),
		// The decimal text of the exact amount, sent as a JSON number.
		Amount:           json.Number(in.Payment.Amount.String()),
		Recipient:        c.recipient(in.Payment.CreditorName),
		RecipientAccount: recipientAccount{IBAN: strings.ToUpper(strings.ReplaceAll(in.Payment.CreditorIBAN, " ", "")), BIC: strings.ToUpper(in.Payment.CreditorBIC)},
		Reference:        ref,
	}
	if c.cfg.TokenAddress != "" {
		est.Tokens = []string{c.cfg.TokenAddress}
	}
	// At most one re-estimation: an estimation that expired (by our clock
	// before executing, or as Wirex refused it) is never executed; a fresh
	// one is.
	for attempt := 0; ; attempt++ {
		e, err := c.estimate(ctx, est)
		if err != nil {
			return dispatch.Submission{}, err
		}
		if !c.cfg.Now().Before(e.ExpiresAt.Add(-c.cfg.EstimateMargin)) {
			if attempt == 0 {
				continue
			}
			return dispatch.Submission{}, &dispatch.NotSentError{Err: fmt.Errorf("%s: estimation %s expired before it could be executed", c.cfg.Name, e.ID)}
		}
		id, retry, err := c.execute(ctx, est, e)
		if retry && attempt == 0 {
			c.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "wirex estimation refused, estimating again",
				slog.String("key", in.Key), slog.String("estimation_id", e.ID))
			continue
		}
		if err != nil {
			return dispatch.Submission{}, err
		}
		c.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "wirex transfer executed", slog.String("key", in.Key),
			slog.String("activity_id", id), slog.String("estimation_id", e.ID),
			slog.String("iban", batch.MaskIBAN(est.RecipientAccount.IBAN)), slog.String("amount", string(est.Amount)))
		return dispatch.Submission{Ref: id, Result: dispatch.Result{Status: batch.ACSP, Ref: id}}, nil
	}
}

// estimate moves no money: every failure is NotSent or a rejection.
func (c *Client) estimate(ctx context.Context, est estimateRequest) (*estimateResponse, error) {
	resp, err := c.call(ctx, httpx.Request{Method: http.MethodPost, Path: c.cfg.EstimatePath, Body: est})
	if err != nil {
		return nil, notSent(err)
	}
	if !resp.OK() {
		return nil, notSent(c.failure(resp, "estimate"))
	}
	var e estimateResponse
	if err := resp.Decode(&e); err != nil || e.ID == "" || len(e.EstimatedAmounts) == 0 {
		return nil, &dispatch.NotSentError{Err: fmt.Errorf("%s estimate: answer without id or estimated amounts", c.cfg.Name)}
	}
	return &e, nil
}

// execute runs the estimation. retry reports that Wirex refused the
// estimation itself (expired, gone): nothing was executed, so a fresh
// estimation may be tried.
func (c *Client) execute(ctx context.Context, est estimateRequest, e *estimateResponse) (id string, retry bool, err error) {
	token := c.cfg.TokenAddress
	if token == "" {
		token = e.EstimatedAmounts[0].TokenAddress
	}
	body := transferRequest{AccountID: est.AccountID, TokenAddress: token, EstimationID: e.ID,
		Recipient: est.Recipient, RecipientAccount: est.RecipientAccount, Reference: est.Reference}
	resp, err := c.call(ctx, httpx.Request{Method: http.MethodPost, Path: c.cfg.TransferPath, Body: body})
	if err != nil {
		return "", false, err
	}
	if !resp.OK() {
		if ae, ok := decodeError(resp); ok && resp.StatusCode < 500 && ae.field() == "estimation_id" {
			return "", true, &dispatch.NotSentError{Err: fmt.Errorf("%s execute: %s: %s", c.cfg.Name, ae.ErrorReason, ae.ErrorDescription)}
		}
		return "", false, c.failure(resp, "execute")
	}
	var tr transferResponse
	if err := resp.Decode(&tr); err != nil || tr.ID == "" {
		return "", false, &dispatch.UnknownOutcomeError{Err: fmt.Errorf("%s execute: no activity id in the answer", c.cfg.Name)}
	}
	return tr.ID, false, nil
}

// Status finds the activity in the feed and maps its status.
func (c *Client) Status(ctx context.Context, in *dispatch.Instruction, ref string) (dispatch.Result, error) {
	a, err := c.find(ctx, func(a *activity) bool { return a.ID == ref })
	if err != nil {
		return dispatch.Result{}, err
	}
	if a == nil {
		return dispatch.Result{}, fmt.Errorf("%s: activity %s not in the feed", c.cfg.Name, ref)
	}
	return result(a), nil
}

// Lookup searches the feed for the key in reference. Reading the whole feed
// without finding it proves the payment was not made.
func (c *Client) Lookup(ctx context.Context, in *dispatch.Instruction) (dispatch.Submission, bool, error) {
	a, err := c.find(ctx, func(a *activity) bool { return httpx.ParseTitle(a.Reference).Key == in.Key })
	if err != nil || a == nil {
		return dispatch.Submission{}, false, err
	}
	return dispatch.Submission{Ref: a.ID, Result: result(a)}, true, nil
}

// find pages through the feed, newest first, until match holds.
func (c *Client) find(ctx context.Context, match func(*activity) bool) (*activity, error) {
	for page := 1; page <= c.cfg.FeedMaxPages; page++ {
		q := url.Values{"page_number": {strconv.Itoa(page)}, "page_size": {strconv.Itoa(c.cfg.FeedPageSize)}}
		resp, err := c.call(ctx, httpx.Request{Method: http.MethodGet, Path: c.cfg.FeedPath, Query: q})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, c.failure(resp, "activity feed")
		}
		var f feedResponse
		if err := resp.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s activity feed: %w", c.cfg.Name, err)
		}
		for i := range f.Data {
			if match(&f.Data[i]) {
				return &f.Data[i], nil
			}
		}
		if len(f.Data) < c.cfg.FeedPageSize || page*c.cfg.FeedPageSize >= f.TotalCount {
			return nil, nil
		}
	}
	return nil, ErrFeedTooLong
}

// result maps an activity to pain.002.
func result(a *activity) dispatch.Result {
	switch a.Status {
	case ActivityCompleted:
		return dispatch.Result{Status: batch.ACSC, Ref: a.ID}
	case ActivityFailed:
		code := batch.NARR
		if a.FailureReason == FailureInsufficientFunds {
			code = batch.AM04
		}
		return dispatch.Result{Status: batch.RJCT, Reason: code, ProviderCode: a.FailureReason, Text: "activity failed", Ref: a.ID}
	}
	return dispatch.Result{Status: batch.ACSP, Ref: a.ID, ProviderCode: a.Status}
}
