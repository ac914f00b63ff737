package smoney

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
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

const (
	testToken   = "smoney-partner-token-Do-Not-Log-5e1"
	testPartner = "paybatch-demo"
	testUser    = "payroll-user-1"
	testIBAN    = "FR1420041010050500013M02606"
	testBIC     = "PSSTFRPPXXX"
)

type fixture struct {
	env      *simulate.Env
	sb       *Sandbox
	srv      *httptest.Server
	c        *Client
	clock    *providertest.Clock
	logs     *syncBuffer
	creates  atomic.Int32
	register atomic.Int32
}

// newFixture starts the sandbox over real HTTP with a 1-minute settle delay
// on a manual clock; faults named "smoney" hit the payout create only.
func newFixture(t *testing.T, mut func(*Config)) *fixture {
	t.Helper()
	f := &fixture{clock: providertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}
	f.env = simulate.NewEnv(time.Minute)
	f.env.Now = f.clock.Now
	f.env.Faults.HangLimit = 10 * time.Second
	f.sb = NewSandbox(f.env, SandboxOptions{})
	payouts := f.env.Faults.Wrap("smoney", f.sb)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/bankaccounts") {
			f.register.Add(1)
		}
		if IsPayout(r) {
			f.creates.Add(1)
			payouts.ServeHTTP(w, r)
			return
		}
		f.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	cfg := Config{BaseURL: f.srv.URL, Token: testToken, PartnerDomain: testPartner, AppUserID: testUser,
		Timeout: 5 * time.Second, Now: f.clock.Now,
		Logger: slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
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

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var keySeq atomic.Int64

func instr(minor int64) *dispatch.Instruction {
	n := keySeq.Add(1)
	return &dispatch.Instruction{
		Key: fmt.Sprintf("pb-smoney-%d", n), BatchID: "B-2026-0002",
		Payment: &batch.Payment{EndToEndID: fmt.Sprintf("E2E-%d", n), Amount: batch.Amount{Minor: minor, Currency: "EUR"},
			CreditorName: "Jean-Luc Picard", CreditorIBAN: testIBAN, CreditorBIC: testBIC, RemittanceInfo: "Salaire mars"},
	}
}
