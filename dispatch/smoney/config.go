package smoney

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// MotifPolicy is what to do with a remittance longer than the 35-character
// motif.
type MotifPolicy string

// Motif policies.
const (
	// MotifReject refuses the payment with CH16 before any call.
	MotifReject MotifPolicy = "reject"
	// MotifTruncate cuts the motif at 35 characters; the message field
	// keeps the full remittance.
	MotifTruncate MotifPolicy = "truncate"
)

// Config configures one S-money partner and paying user.
type Config struct {
	// Name is the provider name the engine knows it by; default "smoney".
	Name string `json:"name"`
	// BaseURL is the API root without /api, e.g. https://rest.s-money.fr or
	// the sandbox's http://host/smoney.
	BaseURL string `json:"base_url"`
	// Token is the partner's bearer token.
	Token string `json:"token"`
	// PartnerDomain is the {partner_domain} path segment.
	PartnerDomain string `json:"partner_domain"`
	// AppUserID is the default paying user (Instruction.Account overrides it).
	AppUserID string `json:"app_user_id"`
	// AppAccountID, if set, names the user's sub-account to pay from.
	AppAccountID string `json:"app_account_id,omitempty"`
	// MotifPolicy: "reject" (default) or "truncate".
	MotifPolicy MotifPolicy `json:"motif_policy,omitempty"`
	// Timeout bounds each HTTP request; default 30s.
	Timeout time.Duration `json:"timeout,omitempty"`
	// MaxBodyBytes bounds every response body; default 1 MiB.
	MaxBodyBytes int64 `json:"max_body_bytes,omitempty"`

	HTTPClient *http.Client     `json:"-"`
	Logger     *slog.Logger     `json:"-"`
	Now        func() time.Time `json:"-"`
}

// Validate reports missing or malformed settings.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct{ name, v string }{{"base_url", c.BaseURL}, {"token", c.Token}, {"partner_domain", c.PartnerDomain}, {"app_user_id", c.AppUserID}} {
		if f.v == "" {
			errs = append(errs, fmt.Errorf("smoney: %s is required", f.name))
		}
	}
	if c.BaseURL != "" {
		if p, err := url.Parse(c.BaseURL); err != nil || p.Scheme == "" || p.Host == "" {
			errs = append(errs, fmt.Errorf("smoney: %q is not an absolute URL", c.BaseURL))
		}
	}
	switch c.MotifPolicy {
	case "", MotifReject, MotifTruncate:
	default:
		errs = append(errs, fmt.Errorf("smoney: motif_policy must be %q or %q", MotifReject, MotifTruncate))
	}
	if c.Timeout < 0 || c.MaxBodyBytes < 0 {
		errs = append(errs, errors.New("smoney: timeout and max_body_bytes must not be negative"))
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = "smoney"
	}
	if c.MotifPolicy == "" {
		c.MotifPolicy = MotifReject
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// MarshalJSON masks the token, so a printed config leaks nothing.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	p := plain(c)
	if p.Token != "" {
		p.Token = "*****"
	}
	return json.Marshal(p)
}

// String masks the token too (fmt's %v and %+v).
func (c Config) String() string {
	b, err := c.MarshalJSON()
	if err != nil {
		return "smoney.Config{?}"
	}
	return string(b)
}
