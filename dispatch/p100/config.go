package p100

import (
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// Config is one p100 partner account. APIKey is a secret: it is masked when
// the config is printed or logged.
type Config struct {
	Name    string // provider name in the ledger and logs; default "p100"
	BaseURL string // e.g. "https://partner.p100.example" or a sandbox "/p100" prefix
	APIKey  string // x-api-key

	// UserLevel uses the legacy user-level create path; the default is the
	// partner-level one. Both carry sourceExternalUserId.
	UserLevel bool
	// Paths, with {transferId} and {externalUserId} placeholders; empty
	// means the Default… constants.
	CreatePath       string
	DetailsPath      string
	ContactsPath     string
	InfoPath         string
	TransactionsPath string

	Timeout     time.Duration // per request; default 30s
	ContactsTTL time.Duration // how long a user's contact list is trusted; default 1m
	MaxTitleLen int           // transferTitle limit; default 140
	MaxBody     int64         // response size limit; default 1 MiB (history lists may need more)

	HTTPClient *http.Client
	Logger     *slog.Logger
	Now        func() time.Time
}

// Validate reports what is missing. It never repeats the key.
func (c Config) Validate() error {
	var errs []error
	if c.BaseURL == "" {
		errs = append(errs, errors.New("p100: base_url is required"))
	}
	if c.APIKey == "" {
		errs = append(errs, errors.New("p100: api_key is required"))
	}
	if c.Timeout < 0 || c.ContactsTTL < 0 || c.MaxTitleLen < 0 {
		errs = append(errs, errors.New("p100: durations and limits must not be negative"))
	}
	return errors.Join(errs...)
}

// LogValue masks the key whenever the config is logged with slog.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", c.Name), slog.String("base_url", c.BaseURL),
		slog.String("api_key", mask(c.APIKey)), slog.Bool("user_level", c.UserLevel))
}

// String masks the key whenever the config is printed.
func (c Config) String() string {
	return "p100{name=" + c.Name + " base_url=" + c.BaseURL + " api_key=" + mask(c.APIKey) + "}"
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
	def(&c.Name, "p100")
	if c.UserLevel {
		def(&c.CreatePath, DefaultLegacyCreatePath)
	}
	def(&c.CreatePath, DefaultCreatePath)
	def(&c.DetailsPath, DefaultDetailsPath)
	def(&c.ContactsPath, DefaultContactsPath)
	def(&c.InfoPath, DefaultInfoPath)
	def(&c.TransactionsPath, DefaultTransactionsPath)
	if c.ContactsTTL == 0 {
		c.ContactsTTL = time.Minute
	}
	if c.MaxTitleLen == 0 {
		c.MaxTitleLen = DefaultMaxTitleLen
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}
