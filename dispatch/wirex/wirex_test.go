package wirex

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

const testSecret = "wx-secret-5b1e77"

func testConfig(base string) Config {
	return Config{BaseURL: base, ClientID: "client-1", ClientSecret: testSecret, ChainID: "137",
		UserAddress: "0xabc0000000000000000000000000000000000001", AccountID: "acc-1:det-1", Timeout: 20 * time.Second}
}

func payment(minor int64) *batch.Payment {
	return &batch.Payment{Index: 1, EndToEndID: "E2E-1", Amount: batch.Amount{Minor: minor, Currency: "EUR"},
		CreditorName: "Erika Mustermann", CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX",
		RemittanceInfo: "Invoice 42", Info: &batch.PaymentInfo{}}
}

func TestConformance(t *testing.T) {
	providertest.Run(t, providertest.Harness{
		Name:    "wirex",
		Sandbox: func(env *simulate.Env) http.Handler { return NewSandbox(env, SandboxOptions{}) },
		NewProvider: func(t *testing.T, o providertest.ClientOptions) dispatch.Provider {
			cfg := testConfig(o.BaseURL)
			cfg.Timeout, cfg.Now, cfg.Logger = o.Timeout, o.Now, o.Logger
			cfg.FeedPageSize = 2 // so that lookups page
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Instruction: func(t *testing.T, key string, minor int64) *dispatch.Instruction {
			return &dispatch.Instruction{Key: key, BatchID: "B-1", Payment: payment(minor)}
		},
		IsPayout:      func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == DefaultTransferPath },
		Tokens:        true,
		IsToken:       func(r *http.Request) bool { return r.URL.Path == DefaultTokenPath },
		TokenLifetime: 48 * time.Hour,
		Secrets:       []string{testSecret},
	})
}

// recorder counts requests by path and can act after each one.
type recorder struct {
	mu    sync.Mutex
	paths []string
	after func(path string)
	next  http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.next.ServeHTTP(w, req)
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.Path)
	after := r.after
	r.mu.Unlock()
	if after != nil {
		after(req.URL.Path)
	}
}

func (r *recorder) count(path string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, p := range r.paths {
		if p == path {
			n++
		}
	}
	return n
}

func setup(t *testing.T, clientClock func() time.Time) (*Client, *recorder, *simulate.Env, *providertest.Clock) {
	t.Helper()
	clock := providertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	env := simulate.NewEnv(0)
	env.Now = clock.Now
	rec := &recorder{next: NewSandbox(env, SandboxOptions{})}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	cfg.Now = clock.Now
	if clientClock != nil {
		cfg.Now = clientClock
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec, env, clock
}

// An estimation that expires before execute is never executed: the client
// sees it expired by its clock and estimates again.
func TestExpiredEstimationReestimated(t *testing.T) {
	c, rec, env, clock := setup(t, nil)
	first := true
	rec.after = func(path string) {
		if path == DefaultEstimatePath && first {
			first = false
			clock.Advance(time.Hour)
		}
	}
	in := &dispatch.Instruction{Key: "k-exp", BatchID: "B", Payment: payment(1000)}
	sub, err := c.Submit(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if n := rec.count(DefaultEstimatePath); n != 2 {
		t.Errorf("%d estimates, want 2", n)
	}
	if n := rec.count(DefaultTransferPath); n != 1 {
		t.Errorf("%d executes, want 1 (the expired estimation must not be executed)", n)
	}
	if es := env.Ledger.Entries(); len(es) != 1 || es[0].ID != sub.Ref {
		t.Fatalf("ledger = %+v", es)
	}
}

// When only Wirex's clock says the estimation expired, the refusal comes
// from execute; nothing ran, so the client estimates again once.
func TestExpiredEstimationRefusedBySandbox(t *testing.T) {
	stopped := providertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c, rec, env, clock := setup(t, stopped.Now)
	first := true
	rec.after = func(path string) {
		if path == DefaultEstimatePath && first {
			first = false
			clock.Advance(10 * time.Minute)
		}
	}
	in := &dispatch.Instruction{Key: "k-exp2", BatchID: "B", Payment: payment(1000)}
	if _, err := c.Submit(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if e, x := rec.count(DefaultEstimatePath), rec.count(DefaultTransferPath); e != 2 || x != 2 {
		t.Errorf("%d estimates, %d executes; want 2 and 2 (one refused)", e, x)
	}
	if n := len(env.Ledger.Entries()); n != 1 {
		t.Fatalf("ledger has %d entries, want 1", n)
	}
}

// An executed estimation is refused the second time with Wirex's error
// shape, and the ledger keeps one entry.
func TestExecutedEstimationNeverExecutedTwice(t *testing.T) {
	c, _, env, _ := setup(t, nil)
	ctx := context.Background()
	in := &dispatch.Instruction{Key: "k-twice", BatchID: "B", Payment: payment(1000)}
	ref, _ := c.reference(in)
	est := estimateRequest{AccountID: "acc-1:det-1", Amount: "10.00", Recipient: recipient{FirstName: "A", LastName: "B"},
		RecipientAccount: recipientAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}, Reference: ref}
	e, err := c.estimate(ctx, est)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.execute(ctx, est, e); err != nil {
		t.Fatal(err)
	}
	_, retry, err := c.execute(ctx, est, e)
	if err == nil || !retry {
		t.Fatalf("second execute: retry=%v err=%v, want a refusal of the estimation", retry, err)
	}
	if n := len(env.Ledger.Entries()); n != 1 {
		t.Fatalf("ledger has %d entries, want 1", n)
	}
}

func TestPreflightRejections(t *testing.T) {
	c, _, _, _ := setup(t, nil)
	ctx := context.Background()
	p := payment(1000)
	p.CreditorBIC = ""
	if r, ok := dispatch.IsRejected(c.Preflight(ctx, &dispatch.Instruction{Key: "k", Payment: p})); !ok || r.Code != batch.RC01 {
		t.Fatalf("no BIC: %v, want RC01", r)
	}
	// A user without third-party payouts: AG01 before any estimate.
	env := simulate.NewEnv(0)
	srv := httptest.NewServer(NewSandbox(env, SandboxOptions{Capabilities: []string{CapabilityFirstParty}}))
	defer srv.Close()
	c2, _ := New(testConfig(srv.URL))
	err := c2.Preflight(ctx, &dispatch.Instruction{Key: "k", Payment: payment(1000)})
	if r, ok := dispatch.IsRejected(err); !ok || r.Code != batch.AG01 {
		t.Fatalf("no capability: %v, want AG01", err)
	}
}

func TestBadCredentialsNotSent(t *testing.T) {
	env := simulate.NewEnv(0)
	srv := httptest.NewServer(NewSandbox(env, SandboxOptions{}))
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.ClientID = ""
	if _, err := New(cfg); err == nil {
		t.Fatal("config without client_id accepted")
	}
	if s := testConfig("x").String(); strings.Contains(s, testSecret) {
		t.Fatalf("Config.String shows the secret: %s", s)
	}
}
