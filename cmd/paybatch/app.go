package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/pipeline"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/sandbox"
	"github.com/paybatch/paybatch/samples"
)

// app is paybatch wired from a Config: the only place where concrete
// implementations meet.
type app struct {
	cfg        *Config
	log        *slog.Logger
	store      *store.Store
	engine     *dispatch.Engine
	pipe       *pipeline.Pipeline
	sandbox    bool             // payments go to simulators: no real money moves
	sandboxURL string           // where the simulators answer
	sb         *sandbox.Sandbox // the in-process simulators, if started here
	metrics    *metrics
	closers    []func()
}

// loadConfig reads --config, or the embedded demo config when none is given.
func loadConfig(path string) (*Config, error) {
	if path == "" {
		return parseConfig("(built-in demo config: samples/paybatch.yaml)", samples.DemoConfig())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseConfig(path, raw)
}

func newLogger(c LogConfig) *slog.Logger {
	level := slog.LevelInfo
	switch c.Level {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// appOption adjusts how newApp builds the pipeline; the daemon uses it to
// send each source's reports to that source's own outbox.
type appOption func(*pipeline.Options)

// withOutboxes routes the reports of each named source to its outbox.
func withOutboxes(m map[string]pipeline.Outbox) appOption {
	return func(o *pipeline.Options) { o.Outboxes = m }
}

// newApp opens the store, starts the in-process sandbox if the config asks
// for it, and builds providers, router, engine and pipeline.
func newApp(ctx context.Context, cfg *Config, log *slog.Logger, opts ...appOption) (a *app, err error) {
	a = &app{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.Close()
			a = nil
		}
	}()
	if err := os.MkdirAll(filepath.Dir(cfg.Database), 0o750); err != nil {
		return a, fmt.Errorf("database directory: %w", err)
	}
	a.store, err = store.Open(ctx, cfg.Database, store.Options{})
	if err != nil {
		return a, err
	}
	a.closers = append(a.closers, func() { a.store.Close() })
	a.metrics = newMetrics(a.store.CountByProvider, log)

	if cfg.Sandbox.Enabled {
		a.sandbox = true
		a.sandboxURL = os.Getenv("PAYBATCH_SANDBOX_URL")
		if a.sandboxURL == "" {
			a.sandboxURL = cfg.Sandbox.URL
		}
		if a.sandboxURL == "" {
			url, sb, stop, err := startSandbox(cfg.Sandbox.SettleDelay, log)
			if err != nil {
				return a, err
			}
			a.sandboxURL, a.sb = url, sb
			a.closers = append(a.closers, stop)
		}
		log.Warn("SANDBOX MODE: payments go to the provider simulators; no real money moves", "sandbox", a.sandboxURL)
	}

	providers, err := buildProviders(cfg, a.sandboxURL, log)
	if err != nil {
		return a, err
	}
	caps := map[string]dispatch.Capabilities{}
	lanes := map[string]dispatch.Lane{}
	for name, p := range providers {
		pc := cfg.Providers[name]
		p = a.metrics.instrument(name, p)
		caps[name] = p.Capabilities()
		lanes[name] = dispatch.Lane{Provider: p, Concurrency: pc.Concurrency, Rate: rate.Limit(pc.Rate), Burst: pc.Burst,
			Retry: dispatch.RetryPolicy{MaxAttempts: pc.Retry.MaxAttempts, BaseDelay: pc.Retry.BaseDelay, MaxDelay: pc.Retry.MaxDelay}}
	}
	router, err := buildRouter(cfg, caps)
	if err != nil {
		return a, err
	}
	a.engine, err = dispatch.NewEngine(dispatch.EngineConfig{
		Lanes: lanes, Journal: a.store, Log: log,
		Grace: cfg.Dispatch.Grace, ReviewAfter: cfg.Dispatch.ReviewAfter,
		PollMin: cfg.Dispatch.PollMin, PollMax: cfg.Dispatch.PollMax, CallTimeout: cfg.Dispatch.CallTimeout,
		OnChange: a.metrics.onChange,
	})
	if err != nil {
		return a, err
	}
	po := pipeline.Options{
		Store: a.store, Router: router, Wake: a.engine.Wake,
		DefaultOutbox: pipeline.DirOutbox(cfg.outboxDir()), FilesDir: filepath.Join(cfg.DataDir, "files"),
		Location: cfg.location, Sandbox: a.sandbox, Pain002Version: cfg.Reports.Pain002Version,
		InitiatingParty: cfg.Reports.InitiatingParty, Log: log,
	}
	for _, o := range opts {
		o(&po)
	}
	a.pipe, err = pipeline.New(po)
	if err != nil {
		return a, err
	}
	if err := os.MkdirAll(cfg.outboxDir(), 0o750); err != nil {
		return a, err
	}
	return a, nil
}

// outboxDir is where `process` writes reports: the first inbox's outbox.
func (c *Config) outboxDir() string {
	if len(c.Inboxes) > 0 {
		return c.Inboxes[0].Outbox
	}
	return filepath.Join(c.DataDir, "outbox")
}

func (a *app) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// startSandbox serves the four simulators on a loopback port, over real
// HTTP, so the adapters run exactly as they would against the providers.
// Its webhook delivery runs but has no targets until sandboxWebhooks.
func startSandbox(settle time.Duration, log *slog.Logger) (url string, sb *sandbox.Sandbox, stop func(), err error) {
	sb = sandbox.New(sandbox.Options{SettleDelay: settle, Log: log})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, fmt.Errorf("sandbox listener: %w", err)
	}
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	sb.Start()
	return "http://" + ln.Addr().String(), sb, func() {
		sb.Stop()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// buildRouter turns the routes of the config into a dispatch.Router.
func buildRouter(cfg *Config, caps map[string]dispatch.Capabilities) (*dispatch.Router, error) {
	rule := func(i int, r RouteConfig) (dispatch.Rule, error) {
		out := dispatch.Rule{Name: r.Name, Provider: r.Provider, Account: r.Account, Match: dispatch.Match{
			DebtorAccount: r.Match.DebtorIBAN, Currency: r.Match.Currency, CreditorCountry: r.Match.CreditorCountry,
			CategoryPurpose: r.Match.CategoryPurpose, ProviderColumn: r.Match.Provider,
		}}
		var errs []error
		if r.Match.MinAmount != "" || r.Match.MaxAmount != "" {
			if len(r.Match.Currency) != 1 {
				errs = append(errs, fmt.Errorf("routes[%d].match: min_amount/max_amount need exactly one currency", i))
			} else {
				cur := strings.ToUpper(r.Match.Currency[0])
				if r.Match.MinAmount != "" {
					a, err := batch.ParseAmount(r.Match.MinAmount, cur)
					if err != nil {
						errs = append(errs, fmt.Errorf("routes[%d].match.min_amount: %w", i, err))
					}
					out.Match.MinAmount = &a
				}
				if r.Match.MaxAmount != "" {
					a, err := batch.ParseAmount(r.Match.MaxAmount, cur)
					if err != nil {
						errs = append(errs, fmt.Errorf("routes[%d].match.max_amount: %w", i, err))
					}
					out.Match.MaxAmount = &a
				}
			}
		}
		return out, errors.Join(errs...)
	}
	var rules []dispatch.Rule
	var errs []error
	for i, r := range cfg.Routes {
		ru, err := rule(i, r)
		errs = append(errs, err)
		rules = append(rules, ru)
	}
	var def *dispatch.Rule
	if cfg.DefaultRoute != nil {
		d, err := rule(-1, *cfg.DefaultRoute)
		errs = append(errs, err)
		def = &d
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	r, err := dispatch.NewRouter(rules, def, caps)
	if err != nil {
		return nil, fmt.Errorf("config routes: %w", err)
	}
	return r, nil
}
