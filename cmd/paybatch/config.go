package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is paybatch's YAML configuration. samples/paybatch.yaml documents
// every key; with no --config file the embedded demo config is used.
type Config struct {
	DataDir      string                    `yaml:"data_dir"`
	Database     string                    `yaml:"database"`
	Timezone     string                    `yaml:"timezone"`
	Log          LogConfig                 `yaml:"log"`
	HTTP         HTTPConfig                `yaml:"http"`
	Sandbox      SandboxConfig             `yaml:"sandbox"`
	Inboxes      []InboxConfig             `yaml:"inboxes"`
	SFTP         []SFTPConfig              `yaml:"sftp"`
	Reports      ReportsConfig             `yaml:"reports"`
	Dispatch     DispatchConfig            `yaml:"dispatch"`
	Providers    map[string]ProviderConfig `yaml:"providers"`
	Routes       []RouteConfig             `yaml:"routes"`
	DefaultRoute *RouteConfig              `yaml:"default_route"`

	location *time.Location
}

// LogConfig selects the log format and level.
type LogConfig struct {
	Format string `yaml:"format"` // text (default) or json
	Level  string `yaml:"level"`  // debug, info (default), warn, error
}

// HTTPConfig is the daemon's HTTP server (health, metrics, webhooks).
type HTTPConfig struct {
	Listen string `yaml:"listen"` // default 127.0.0.1:8787; "off" disables the server
}

// SandboxConfig runs the four provider simulators in-process.
type SandboxConfig struct {
	Enabled     bool          `yaml:"enabled"`
	URL         string        `yaml:"url"` // an external `paybatch sandbox`; PAYBATCH_SANDBOX_URL overrides
	SettleDelay time.Duration `yaml:"settle_delay"`
}

// InboxConfig is a local folder source.
type InboxConfig struct {
	Name       string        `yaml:"name"`
	Path       string        `yaml:"path"`
	Outbox     string        `yaml:"outbox"`
	MinAge     time.Duration `yaml:"min_age"`
	Rescan     time.Duration `yaml:"rescan"`
	DoneMarker bool          `yaml:"done_marker"`
}

// SFTPConfig is one SFTP server to pull batches from and push reports to.
type SFTPConfig struct {
	Name         string        `yaml:"name"`
	Host         string        `yaml:"host"`
	Port         int           `yaml:"port"`
	User         string        `yaml:"user"`
	KeyFile      string        `yaml:"key_file"`
	Password     Secret        `yaml:"password"`
	HostKey      string        `yaml:"host_key"`
	KnownHosts   string        `yaml:"known_hosts"`
	Inbox        string        `yaml:"inbox"`
	Outbox       string        `yaml:"outbox"`
	PollInterval time.Duration `yaml:"poll_interval"`
	MinAge       time.Duration `yaml:"min_age"`
	DeleteAfter  bool          `yaml:"delete_after"`
}

// ReportsConfig tunes the pain.002 and summary writers.
type ReportsConfig struct {
	// Pain002Version forces one of 002.001.03, 002.001.10, 002.001.11;
	// empty or "auto" follows the input.
	Pain002Version  string `yaml:"pain002_version"`
	InitiatingParty string `yaml:"initiating_party"`
}

// DispatchConfig tunes the exactly-once engine.
type DispatchConfig struct {
	Grace       time.Duration `yaml:"grace"`
	ReviewAfter time.Duration `yaml:"review_after"`
	PollMin     time.Duration `yaml:"poll_min"`
	PollMax     time.Duration `yaml:"poll_max"`
	CallTimeout time.Duration `yaml:"call_timeout"`
}

// ProviderConfig is one provider account. Options holds the type's own keys
// (credentials, account ids, paths), decoded by the provider's wiring.
type ProviderConfig struct {
	Type        string      `yaml:"type"` // p100, wirex, solaris, smoney
	BaseURL     string      `yaml:"base_url"`
	Concurrency int         `yaml:"concurrency"`
	Rate        float64     `yaml:"rate"` // calls per second; 0 = unlimited
	Burst       int         `yaml:"burst"`
	Retry       RetryConfig `yaml:"retry"`
	Options     yaml.Node   `yaml:"options"`
	// WebhookSecret authenticates POST /webhooks/{name} as the type does:
	// Solaris HMAC key, p100 Authorization value, S-money HMAC key [I],
	// Wirex optional token [I]. Empty refuses every webhook (Wirex: none
	// required, a webhook only triggers a re-fetch).
	WebhookSecret Secret `yaml:"webhook_secret"`
	// WebhookHeader overrides the header the signature or token is read
	// from (S-money and Wirex, whose headers are paybatch's choice).
	WebhookHeader string `yaml:"webhook_header"`
}

// RetryConfig mirrors dispatch.RetryPolicy.
type RetryConfig struct {
	MaxAttempts int           `yaml:"max_attempts"`
	BaseDelay   time.Duration `yaml:"base_delay"`
	MaxDelay    time.Duration `yaml:"max_delay"`
}

// RouteConfig is one routing rule.
type RouteConfig struct {
	Name     string      `yaml:"name"`
	Match    MatchConfig `yaml:"match"`
	Provider string      `yaml:"provider"`
	Account  string      `yaml:"account"`
}

// MatchConfig lists what a rule matches; empty lists match anything.
type MatchConfig struct {
	DebtorIBAN      []string `yaml:"debtor_iban"`
	Currency        []string `yaml:"currency"`
	CreditorCountry []string `yaml:"creditor_country"`
	CategoryPurpose []string `yaml:"category_purpose"`
	Provider        []string `yaml:"provider"` // the payment's provider column
	MinAmount       string   `yaml:"min_amount"`
	MaxAmount       string   `yaml:"max_amount"`
}

// Secret is a string that never prints.
type Secret string

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// MarshalYAML masks the value when a config is printed.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${VAR} in every scalar value with the environment's
// value, so secrets live in the environment, not in the file. Comments are
// left alone (and dropped). An unset variable is an error naming it.
func expandEnv(n *yaml.Node, missing map[string]bool) {
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	if n.Kind == yaml.ScalarNode {
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(m string) string {
			name := envRef.FindStringSubmatch(m)[1]
			v, ok := os.LookupEnv(name)
			if !ok {
				missing[name] = true
			}
			return v
		})
	}
	for _, c := range n.Content {
		expandEnv(c, missing)
	}
}

// parseConfig reads YAML strictly (unknown keys are errors) and validates.
func parseConfig(name string, raw []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	missing := map[string]bool{}
	expandEnv(&doc, missing)
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("config %s: environment variables not set: %s", name, strings.Join(names, ", "))
	}
	expanded, err := yaml.Marshal(&doc)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(expanded))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return &c, nil
}

// Validate checks the configuration and fills defaults. Errors name the key.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		c.DataDir = "paybatch-data"
	}
	if c.Database == "" {
		c.Database = c.DataDir + "/paybatch.db"
	}
	if c.Timezone == "" {
		c.Timezone = "Europe/Berlin"
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		errs = append(errs, fmt.Errorf("timezone: %w", err))
	}
	c.location = loc
	switch c.Log.Format {
	case "", "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format: %q is not text or json", c.Log.Format))
	}
	switch c.Log.Level {
	case "", "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level: %q is not debug, info, warn or error", c.Log.Level))
	}
	if c.HTTP.Listen == "" {
		c.HTTP.Listen = "127.0.0.1:8787"
	}
	switch c.Reports.Pain002Version {
	case "", "auto", "002.001.03", "002.001.10", "002.001.11":
	default:
		errs = append(errs, fmt.Errorf("reports.pain002_version: %q is not auto, 002.001.03, 002.001.10 or 002.001.11", c.Reports.Pain002Version))
	}
	for i, in := range c.Inboxes {
		if in.Path == "" {
			errs = append(errs, fmt.Errorf("inboxes[%d].path: required", i))
		}
		if in.Name == "" {
			c.Inboxes[i].Name = fmt.Sprintf("inbox%d", i+1)
		}
		if in.Outbox == "" {
			c.Inboxes[i].Outbox = in.Path + "/outbox"
		}
		if in.MinAge == 0 {
			c.Inboxes[i].MinAge = 2 * time.Second
		}
	}
	for i, s := range c.SFTP {
		key := fmt.Sprintf("sftp[%d]", i)
		if s.Host == "" || s.User == "" || s.Inbox == "" {
			errs = append(errs, fmt.Errorf("%s: host, user and inbox are required", key))
		}
		if s.HostKey == "" && s.KnownHosts == "" {
			errs = append(errs, fmt.Errorf("%s: host_key or known_hosts is required: host keys are always verified", key))
		}
		if s.KeyFile == "" && s.Password == "" {
			errs = append(errs, fmt.Errorf("%s: key_file or password is required", key))
		}
	}
	if len(c.Providers) == 0 && !c.Sandbox.Enabled {
		errs = append(errs, errors.New("providers: at least one provider is required (or sandbox.enabled)"))
	}
	for name, p := range c.Providers {
		switch p.Type {
		case "p100", "wirex", "solaris", "smoney":
		default:
			errs = append(errs, fmt.Errorf("providers.%s.type: %q is not p100, wirex, solaris or smoney", name, p.Type))
		}
		// A config names either real providers or the sandbox, never both:
		// a real provider must never fall back to a simulator.
		switch {
		case p.BaseURL == "" && !c.Sandbox.Enabled:
			errs = append(errs, fmt.Errorf("providers.%s.base_url: required", name))
		case p.BaseURL != "" && c.Sandbox.Enabled:
			errs = append(errs, fmt.Errorf("providers.%s.base_url: set while sandbox.enabled is true; remove one (a real provider never falls back to the sandbox)", name))
		}
		if p.Rate < 0 || p.Concurrency < 0 {
			errs = append(errs, fmt.Errorf("providers.%s: rate and concurrency must not be negative", name))
		}
	}
	for i, r := range c.Routes {
		if _, ok := c.Providers[r.Provider]; !ok {
			errs = append(errs, fmt.Errorf("routes[%d] (%s).provider: unknown provider %q", i, r.Name, r.Provider))
		}
	}
	if r := c.DefaultRoute; r != nil {
		if _, ok := c.Providers[r.Provider]; !ok {
			errs = append(errs, fmt.Errorf("default_route.provider: unknown provider %q", r.Provider))
		}
	}
	return errors.Join(errs...)
}
