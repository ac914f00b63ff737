package solaris

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

const (
	testClientID     = "client-7f3a"
	testClientSecret = "s3cr3t-Do-Not-Log-91c2"
	testIBAN         = "DE89370400440532013000"
)

// clock is a settable clock shared by the adapter and the sandbox, so
// expiry and settling are driven by the test, never by sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	env     *simulate.Env
	sb      *Sandbox
	srv     *httptest.Server
	c       *Client
	clock   *clock
	logs    *bytes.Buffer
	creates atomic.Int32
}

// newFixture starts the sandbox over real HTTP with a 1-minute settle delay
// on a fake clock; mut adjusts the adapter config.
func newFixture(t *testing.T, mut func(*Config)) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
	f.env = simulate.NewEnv(time.Minute)
	f.env.Now = f.clock.Now
	// A hanging POST is not released when the client gives up (the server
	// notices a closed connection only after the body was read), so bound
	// the hang: the test's client times out long before this.
	f.env.Faults.HangLimit = time.Second
	f.sb = NewSandbox(f.env, SandboxOptions{})
	// Faults named "solaris" hit the transfer endpoints only, so that the
	// token and the verification before them always go through.
	transfers := f.env.Faults.Wrap("solaris", f.sb)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsPayout(r) {
			f.creates.Add(1)
		}
		if strings.Contains(r.URL.Path, "/transactions/") {
			transfers.ServeHTTP(w, r)
			return
		}
		f.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	cfg := Config{
		BaseURL: f.srv.URL, ClientID: testClientID, ClientSecret: testClientSecret, AccountID: "acc-billing-1",
		Timeout: 5 * time.Second, Now: f.clock.Now,
		Logger: slog.New(slog.NewJSONHandler(&syncWriter{w: f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mut != nil {
		mut(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	return f
}

type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

var keySeq atomic.Int64

// instr builds an instruction for minor cents to a matching payee.
func instr(minor int64, name string) *dispatch.Instruction {
	n := keySeq.Add(1)
	return &dispatch.Instruction{
		Key:     fmt.Sprintf("pb-test-%d", n),
		BatchID: "B-2026-0001",
		Payment: &batch.Payment{
			EndToEndID: fmt.Sprintf("E2E-%d", n), Amount: batch.Amount{Minor: minor, Currency: "EUR"},
			CreditorName: name, CreditorIBAN: testIBAN, CreditorBIC: "COBADEFFXXX", RemittanceInfo: "Invoice 4711",
		},
	}
}

func (f *fixture) ledgerFor(ref string) []simulate.Entry {
	var out []simulate.Entry
	for _, e := range f.env.Ledger.Entries() {
		if e.ID == ref {
			out = append(out, e)
		}
	}
	return out
}
