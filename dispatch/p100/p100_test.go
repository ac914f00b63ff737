package p100

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

const testKey = "sk-test-p100-7f3a9c"

func payment(minor int64, iban string) *batch.Payment {
	return &batch.Payment{
		Index: 1, EndToEndID: "E2E-1", Amount: batch.Amount{Minor: minor, Currency: "EUR"},
		CreditorName: "Erika Mustermann", CreditorIBAN: iban, RemittanceInfo: "Invoice 42",
		Info: &batch.PaymentInfo{},
	}
}

func harness() providertest.Harness {
	return providertest.Harness{
		Name:    "p100",
		Sandbox: func(env *simulate.Env) http.Handler { return NewSandbox(env, SandboxOptions{}) },
		NewProvider: func(t *testing.T, o providertest.ClientOptions) dispatch.Provider {
			c, err := New(Config{BaseURL: o.BaseURL, APIKey: testKey, Timeout: o.Timeout, Now: o.Now, Logger: o.Logger})
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Instruction: func(t *testing.T, key string, minor int64) *dispatch.Instruction {
			return &dispatch.Instruction{Key: key, BatchID: "B-1", User: "u-1001", Payment: payment(minor, "DE89370400440532013000")}
		},
		IsPayout: func(r *http.Request) bool { return r.Method == http.MethodPost },
		Secrets:  []string{testKey},
	}
}

func TestConformance(t *testing.T) { providertest.Run(t, harness()) }

// recorder counts the requests that reach the sandbox by method and path.
type recorder struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.seen = append(r.seen, req.Method+" "+req.URL.Path)
	r.mu.Unlock()
	r.next.ServeHTTP(w, req)
}

func (r *recorder) count(prefix string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.seen {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func newTestClient(t *testing.T, key string) (*Client, *recorder, *simulate.Env) {
	t.Helper()
	env := simulate.NewEnv(0)
	rec := &recorder{next: NewSandbox(env, SandboxOptions{APIKey: testKey})}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := New(Config{BaseURL: srv.URL, APIKey: key, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, rec, env
}

// Paying to a PENDING contact, or for a user without contacts, is refused
// with AG01 before any create call.
func TestNotApprovedRejectedBeforeCreate(t *testing.T) {
	for _, c := range []struct{ user, iban string }{
		{"u-1001", "NL91ABNA0417164300"},
		{"u-1002", "DE89370400440532013000"},
		{"u-9999", "DE89370400440532013000"},
		{"", "DE89370400440532013000"},
	} {
		t.Run(c.user+"/"+c.iban, func(t *testing.T) {
			cl, rec, env := newTestClient(t, testKey)
			in := &dispatch.Instruction{Key: "k1", BatchID: "B", User: c.user, Payment: payment(1000, c.iban)}
			err := cl.Preflight(context.Background(), in)
			r, ok := dispatch.IsRejected(err)
			if !ok || r.Code != batch.AG01 {
				t.Fatalf("Preflight = %v, want RJCT AG01", err)
			}
			if n := rec.count("POST"); n != 0 {
				t.Fatalf("sandbox saw %d create calls", n)
			}
			if n := len(env.Ledger.Entries()); n != 0 {
				t.Fatalf("ledger has %d entries", n)
			}
		})
	}
}

// The contact list is fetched once per user while it is fresh.
func TestContactsCached(t *testing.T) {
	cl, rec, _ := newTestClient(t, testKey)
	for i := range 3 {
		in := &dispatch.Instruction{Key: "k", User: "u-1001", Payment: payment(int64(1000+i), "FR1420041010050500013M02606")}
		if err := cl.Preflight(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	if n := rec.count("GET /v1/user/sepa/contacts/"); n != 1 {
		t.Fatalf("contacts fetched %d times, want 1", n)
	}
}

// A wrong key is refused before anything runs (NotSent), and the key never
// appears in the error.
func TestBadKeyNotSent(t *testing.T) {
	cl, _, env := newTestClient(t, "wrong-secret-key-123")
	in := &dispatch.Instruction{Key: "k1", BatchID: "B", User: "u-1001", Payment: payment(1000, "DE89370400440532013000")}
	_, err := cl.Submit(context.Background(), in)
	if _, ok := dispatch.IsNotSent(err); !ok {
		t.Fatalf("Submit = %T %v, want NotSent", err, err)
	}
	if strings.Contains(err.Error(), "wrong-secret-key-123") {
		t.Fatal("the key appears in the error")
	}
	if n := len(env.Ledger.Entries()); n != 0 {
		t.Fatalf("ledger has %d entries", n)
	}
	if s := (Config{APIKey: "wrong-secret-key-123"}).String(); strings.Contains(s, "wrong-secret") {
		t.Fatalf("Config.String shows the key: %s", s)
	}
}

// P500 and P501 come as HTTP 400 but are unknown outcomes; a P403 on the
// IBAN is AC01.
func TestErrorMapping(t *testing.T) {
	for _, c := range []struct {
		body    string
		unknown bool
		code    batch.ReasonCode
	}{
		{`{"errorCode":"P500","errorName":"UNKNOWN","errorMessage":"x"}`, true, ""},
		{`{"errorCode":"P501","errorName":"UNAVAILABLE","errorMessage":"x"}`, true, ""},
		{`{"errorCode":"P403","errorName":"INVALID_DESTINATION_IBAN","errorMessage":"x"}`, false, batch.AC01},
		{`{"errorCode":"P403","errorName":"INVALID_AMOUNT","errorMessage":"x"}`, false, batch.NARR},
		{`{"errorCode":"P433","errorName":"INSUFFICIENT_FUNDS","errorMessage":"x"}`, false, batch.AM04},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			w.Write([]byte(c.body))
		}))
		cl, _ := New(Config{BaseURL: srv.URL, APIKey: testKey})
		_, err := cl.Submit(context.Background(), &dispatch.Instruction{Key: "k", User: "u-1001", Payment: payment(1000, "DE89370400440532013000")})
		srv.Close()
		if c.unknown {
			if _, ok := dispatch.IsUnknown(err); !ok {
				t.Errorf("%s: %v, want unknown outcome", c.body, err)
			}
			continue
		}
		if r, ok := dispatch.IsRejected(err); !ok || r.Code != c.code {
			t.Errorf("%s: %v, want RJCT %s", c.body, err, c.code)
		}
	}
}
