package wirex

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Config is one Wirex BaaS client. ClientSecret is a secret: masked when
// the config is printed or logged.
type Config struct {
	Name         string // provider name in logs; default "wirex"
	BaseURL      string
	ClientID     string
	ClientSecret string
	ChainID      string // X-Chain-Id
	UserAddress  string // X-User-Address: the paying user's wallet
	// AccountID is "{account_id}:{details_id}", used when the route names
	// no account.
	AccountID string
	// TokenAddress pays from this token; empty takes the estimation's first.
	TokenAddress string
	// RecipientAsCompany sends the creditor name as company_name instead of
	// splitting it into first_name and last_name.
	RecipientAsCompany bool

	// Paths; empty means the Default… constants.
	TokenPath, UserPath, EstimatePath, TransferPath, FeedPath string

	Timeout        time.Duration // per request; default 30s
	RefreshBefore  time.Duration // renew the token this long before expires_at; default 5m
	EstimateMargin time.Duration // re-estimate when this close to expires_at; default 5s
	CapabilityTTL  time.Duration // cache of GET /api/v2/user; default 5m
	FeedPageSize   int           // default 50
	FeedMaxPages   int           // a feed longer than this cannot prove absence; default 200
	MaxBody        int64         // response size limit; default 1 MiB

	HTTPClient *http.Client
	Logger     *slog.Logger
	Now        func() time.Time
}

// Validate reports what is missing. It never repeats the secret.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct{ v, name string }{
		{c.BaseURL, "base_url"}, {c.ClientID, "client_id"}, {c.ClientSecret, "client_secret"},
		{c.ChainID, "chain_id"}, {c.UserAddress, "user_address"}, {c.AccountID, "account_id"},
	} {
		if f.v == "" {
			errs = append(errs, errors.New("wirex: "+f.name+" is required"))
		}
	}
	return errors.Join(errs...)
}

// LogValue masks the secret whenever the config is logged with slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", c.Name), slog.String("base_url", c.BaseURL),
		slog.String("client_id", c.ClientID), slog.String("client_secret", mask(c.ClientSecret)))
}

// String masks the secret whenever the config is printed.
func (c Config) String() string {
	return "wirex{name=" + c.Name + " base_url=" + c.BaseURL + " client_id=" + c.ClientID + " client_secret=" + mask(c.ClientSecret) + "}"
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}

func (c *Config) defaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Name, "wirex")
	def(&c.TokenPath, DefaultTokenPath)
	def(&c.UserPath, DefaultUserPath)
	def(&c.EstimatePath, DefaultEstimatePath)
	def(&c.TransferPath, DefaultTransferPath)
	def(&c.FeedPath, DefaultFeedPath)
	if c.RefreshBefore == 0 {
		c.RefreshBefore = 5 * time.Minute
	}
	if c.EstimateMargin == 0 {
		c.EstimateMargin = 5 * time.Second
	}
	if c.CapabilityTTL == 0 {
		c.CapabilityTTL = 5 * time.Minute
	}
	if c.FeedPageSize == 0 {
		c.FeedPageSize = 50
	}
	if c.FeedMaxPages == 0 {
		c.FeedMaxPages = 200
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}
