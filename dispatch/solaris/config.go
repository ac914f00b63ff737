package solaris

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// CloseMatch is what to do when Verification of Payee answers CLOSE_MATCH.
type CloseMatch string

// CLOSE_MATCH policies.
const (
	// CloseMatchHold keeps the payment unsent as PDNG "needs review"
	// (*dispatch.HoldError from Preflight/Submit): a person decides.
	CloseMatchHold CloseMatch = "hold"
	// CloseMatchReject rejects the payment with BE01 without sending it.
	CloseMatchReject CloseMatch = "reject"
)

// Config configures one Solaris account.
type Config struct {
	// Name is the provider name the engine knows it by; default "solaris".
	Name string `json:"name"`
	// BaseURL is the API root, e.g. https://api.solarisbank.de or the
	// sandbox's http://host/solaris.
	BaseURL string `json:"base_url"`
	// AuthURL is the OAuth2 root ({AuthURL}/oauth2/token); default BaseURL.
	AuthURL      string `json:"auth_url,omitempty"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	// AccountID is the default paying account (Instruction.Account
	// overrides it). It is a billing account unless PersonID is set.
	AccountID string `json:"account_id"`
	// PersonID selects the person-account path
	// /v1/persons/{person_id}/accounts/{account_id}/…, which needs the
	// customer's 2FA on the provider side.
	PersonID string `json:"person_id,omitempty"`
	// CloseMatch is the Verification of Payee CLOSE_MATCH policy; default hold.
	CloseMatch CloseMatch `json:"close_match,omitempty"`
	// Timeout bounds each HTTP request; default 30s.
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxBodyBytes bounds every response body; default 1 MiB.
	MaxBodyBytes int64 `json:"max_body_bytes,omitempty"`
	// TokenMargin is how long before its expiry a token is replaced;
	// default 2 minutes (at most half the token's lifetime).
	TokenMargin time.Duration `json:"token_margin,omitempty"`
	// LookupPageSize is page[size] when listing transfers; default 100.
	LookupPageSize int `json:"lookup_page_size,omitempty"`
	// LookupMaxPages bounds a Lookup; past it nothing is concluded
	// (an error, never found=false). Default 50.
	LookupMaxPages int `json:"lookup_max_pages,omitempty"`

	HTTPClient *http.Client     `json:"-"`
	Logger     *slog.Logger     `json:"-"`
	Now        func() time.Time `json:"-"` // injectable clock
}

// Validate reports missing or malformed settings.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{{"base_url", c.BaseURL}, {"client_id", c.ClientID}, {"client_secret", c.ClientSecret}, {"account_id", c.AccountID}} {
		if f.v == "" {
			errs = append(errs, fmt.Errorf("solaris: %s is required", f.name))
		}
	}
	for _, u := range []string{c.BaseURL, c.AuthURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
			errs = append(errs, fmt.Errorf("solaris: %q is not an absolute URL", u))
		}
	}
	switch c.CloseMatch {
	case "", CloseMatchHold, CloseMatchReject:
	default:
		errs = append(errs, fmt.Errorf("solaris: close_match must be %q or %q", CloseMatchHold, CloseMatchReject))
	}
	if c.Timeout < 0 || c.MaxBodyBytes < 0 || c.TokenMargin < 0 || c.LookupPageSize < 0 || c.LookupMaxPages < 0 {
		errs = append(errs, errors.New("solaris: durations and limits must not be negative"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = "solaris"
	}
	if c.AuthURL == "" {
		c.AuthURL = c.BaseURL
	}
	if c.CloseMatch == "" {
		c.CloseMatch = CloseMatchHold
	}
	if c.Timeout == 0 {
		c.Timeout = 30 * time.Second
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.TokenMargin == 0 {
		c.TokenMargin = 2 * time.Minute
	}
	if c.LookupPageSize == 0 {
		c.LookupPageSize = 100
	}
	if c.LookupMaxPages == 0 {
		c.LookupMaxPages = 50
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// MarshalJSON masks the client secret, so a printed config leaks nothing.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	p := plain(c)
	if p.ClientSecret != "" {
		p.ClientSecret = "*****"
	}
	return json.Marshal(p)
}

// String masks the secret too (fmt's %v and %+v).
func (c Config) String() string {
	b, err := c.MarshalJSON()
	if err != nil {
		return "solaris.Config{?}"
	}
	return string(b)
}
