package solaris

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/paybatch/paybatch/dispatch"
)

// tokenSource fetches and caches the OAuth2 client-credentials token. The
// mutex is held while fetching, so concurrent workers share one fetch.
type tokenSource struct {
	cfg *Config

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
		return "", &dispatch.NotSentError{Err: fmt.Errorf("solaris token: %w", err)}
	}
	// Replace the token a margin before it expires, but never keep a token
	// for less than half its life: a short sandbox lifetime must still work.
	margin := min(ts.cfg.TokenMargin, lifetime/2)
	ts.token, ts.expires = tok, ts.cfg.Now().Add(lifetime-margin)
	ts.cfg.Logger.Debug("solaris token fetched", "lifetime", lifetime)
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
	ctx, cancel := context.WithTimeout(ctx, ts.cfg.Timeout)
	defer cancel()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(ts.cfg.AuthURL, "/")+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, err
	}
	req.SetBasicAuth(ts.cfg.ClientID, ts.cfg.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := send(ts.cfg.HTTPClient, req)
	if err != nil {
		return "", 0, err
	}
	body, err := readBody(resp, ts.cfg.MaxBodyBytes)
	if err != nil {
		return "", 0, err
	}
	if resp.StatusCode != http.StatusOK {
		// The error body is Solaris' envelope; its code and title never
		// echo the credentials.
		return "", 0, fmt.Errorf("HTTP %d: %s", resp.StatusCode, describe(parseErrors(body)))
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", 0, fmt.Errorf("decode token response: %w", err)
	}
	if tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return "", 0, fmt.Errorf("token response without access_token or expires_in")
	}
	return tr.AccessToken, time.Duration(tr.ExpiresIn) * time.Second, nil
}
