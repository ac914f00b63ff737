package solaris

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/httpx"
)

// tokenSource fetches and caches the OAuth2 client-credentials token. The
// mutex is held while fetching, so concurrent workers share one fetch.
type tokenSource struct {
	cfg  *Config
	auth *httpx.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// get returns a token valid for at least the margin, fetching a new one when
// needed. Any failure is a *dispatch.NotSentError: no payout was attempted.
func (ts *tokenSource) get(ctx context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token != "" && ts.cfg.Now().Before(ts.expires) {
		return ts.token, nil
	}
	tok, lifetime, err := ts.fetch(ctx)
	if err != nil {
		return "", err
	}
	// Replace the token a margin before it expires, but never keep a token
	// for less than half its life: a short sandbox lifetime must still work.
	margin := min(ts.cfg.TokenMargin, lifetime/2)
	ts.token, ts.expires = tok, ts.cfg.Now().Add(lifetime-margin)
	ts.cfg.Logger.Debug("solaris token fetched", "provider", ts.cfg.Name, "lifetime", lifetime)
	return tok, nil
}

// invalidate drops tok after the API refused it, unless another caller
// already replaced it.
func (ts *tokenSource) invalidate(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.token == tok {
		ts.token = ""
	}
}

func (ts *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	basic := base64.StdEncoding.EncodeToString([]byte(ts.cfg.ClientID + ":" + ts.cfg.ClientSecret))
	resp, err := ts.auth.Do(ctx, httpx.Request{
		Method: http.MethodPost, Path: "/oauth2/token",
		Header:      http.Header{"Authorization": {"Basic " + basic}},
		Body:        []byte(url.Values{"grant_type": {"client_credentials"}}.Encode()),
		ContentType: "application/x-www-form-urlencoded",
	})
	notSent := func(err error, retryAfter time.Duration) error {
		return &dispatch.NotSentError{Err: fmt.Errorf("solaris token: %w", err), RetryAfter: retryAfter}
	}
	if err != nil {
		// Whatever happened to the token request, no payout was sent.
		var ra time.Duration
		if u, ok := dispatch.IsUnknown(err); ok {
			ra = u.RetryAfter
		}
		return "", 0, notSent(err, ra)
	}
	if !resp.OK() {
		// The error body is Solaris' envelope; it never echoes credentials.
		return "", 0, notSent(fmt.Errorf("HTTP %d: %s", resp.StatusCode, describe(parseErrors(resp.Body))), httpx.RetryAfter(resp.Header, ts.cfg.Now()))
	}
	var tr tokenResponse
	if err := resp.Decode(&tr); err != nil {
		return "", 0, notSent(err, 0)
	}
	if tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return "", 0, notSent(fmt.Errorf("token response without access_token or expires_in"), 0)
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
