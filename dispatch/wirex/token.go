package wirex

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/paybatch/paybatch/dispatch/httpx"
)

// tokens caches the access token and renews it before it expires. One
// mutex serialises renewals so a burst of calls fetches one token.
type tokens struct {
	mu      sync.Mutex
	access  string
	expires time.Time
}

// token returns a valid token; stale forces a new one (after a 401).
func (c *Client) token(ctx context.Context, stale string) (string, error) {
	c.tok.mu.Lock()
	defer c.tok.mu.Unlock()
	now := c.cfg.Now()
	if c.tok.access != "" && c.tok.access != stale && now.Before(c.tok.expires.Add(-c.cfg.RefreshBefore)) {
		return c.tok.access, nil
	}
	resp, err := c.http.Do(ctx, httpx.Request{Method: http.MethodPost, Path: c.cfg.TokenPath,
		Body: tokenRequest{ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, GrantType: "client_credentials"}})
	if err != nil {
		return "", notSent(err)
	}
	if !resp.OK() {
		return "", notSent(c.failure(resp, "token"))
	}
	var tr tokenResponse
	if err := resp.Decode(&tr); err != nil || tr.AccessToken == "" {
		return "", notSent(fmt.Errorf("%s token: no access_token in the answer", c.cfg.Name))
	}
	c.tok.access, c.tok.expires = tr.AccessToken, tr.ExpiresAt.Time
	return tr.AccessToken, nil
}

// call sends an authenticated request. A 401 means Wirex refused the call
// before running it, so the call is retried once with a fresh token, even
// the execute call.
func (c *Client) call(ctx context.Context, r httpx.Request) (*httpx.Response, error) {
	tok, err := c.token(ctx, "")
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		r.Header = http.Header{
			"Authorization":  {"Bearer " + tok},
			"X-Chain-Id":     {c.cfg.ChainID},
			"X-User-Address": {c.cfg.UserAddress},
		}
		resp, err := c.http.Do(ctx, r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || attempt > 0 {
			return resp, err
		}
		if tok, err = c.token(ctx, tok); err != nil {
			return nil, err
		}
	}
}
