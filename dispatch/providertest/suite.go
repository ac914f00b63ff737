package providertest

import (
	"bytes"
	"context"
	"errors"
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

// settle is the sandbox's pending period; the suite moves the clock past it
// instead of waiting.
const settle = time.Minute

// fixture is one sandbox on a real listener with one adapter pointed at it.
type fixture struct {
	t      *testing.T
	h      Harness
	env    *simulate.Env
	clock  *Clock
	srv    *httptest.Server
	p      dispatch.Provider
	logs   *syncBuffer
	errs   []error
	tokens atomic.Int64
	n      int
}

type fixtureOpts struct {
	timeout     time.Duration
	clientClock func() time.Time // nil: the sandbox's clock
}

func newFixture(t *testing.T, h Harness, o fixtureOpts) *fixture {
	t.Helper()
	f := &fixture{t: t, h: h, clock: NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), logs: &syncBuffer{}}
	f.env = simulate.NewEnv(settle)
	f.env.Now = f.clock.Now
	// A "timeout" fault holds the request this long: past the timeout case's
	// client timeout, short enough that closing the server does not wait
	// long (the server cannot see the client leave while the body is unread).
	f.env.Faults.HangLimit = 3 * time.Second
	sandbox := h.Sandbox(f.env)
	payout := f.env.Faults.Wrap(h.Name+"/payout", sandbox)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.IsToken != nil && h.IsToken(r) {
			f.tokens.Add(1)
		}
		if h.IsPayout(r) {
			payout.ServeHTTP(w, r)
			return
		}
		sandbox.ServeHTTP(w, r)
	})
	f.srv = httptest.NewServer(f.env.Faults.Wrap(h.Name, inner))
	t.Cleanup(f.srv.Close)
	if o.timeout == 0 {
		o.timeout = 20 * time.Second // generous: CI is loaded
	}
	now := o.clientClock
	if now == nil {
		now = f.clock.Now
	}
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.p = h.NewProvider(t, ClientOptions{BaseURL: f.srv.URL, Timeout: o.timeout, Now: now, Logger: log})
	t.Cleanup(f.checkSecrets)
	return f
}

// instruction returns a fresh payment with a key unique in the fixture.
func (f *fixture) instruction(minor int64) *dispatch.Instruction {
	f.n++
	key := fmt.Sprintf("pb-%s-%d-%d", strings.ReplaceAll(f.h.Name, "/", "-"), minor, f.n)
	return f.h.Instruction(f.t, key, minor)
}

func (f *fixture) note(err error) error {
	if err != nil {
		f.errs = append(f.errs, err)
	}
	return err
}

func (f *fixture) checkSecrets() {
	logs := f.logs.String()
	for _, s := range f.h.Secrets {
		if s == "" {
			continue
		}
		if strings.Contains(logs, s) {
			f.t.Errorf("a credential appears in the log output")
		}
		for _, err := range f.errs {
			if strings.Contains(err.Error(), s) {
				f.t.Errorf("a credential appears in an error: %T", err)
			}
		}
	}
}

func (f *fixture) setFault(fl simulate.Fault) {
	f.t.Helper()
	if err := f.env.Faults.Set(fl); err != nil {
		f.t.Fatal(err)
	}
}

// drive runs a payment as the engine would: Preflight, Submit, Status, then
// Status again once the pending period is over. A rejection at any step is
// the final result.
func (f *fixture) drive(in *dispatch.Instruction) (dispatch.Result, error) {
	ctx := context.Background()
	if err := f.note(f.p.Preflight(ctx, in)); err != nil {
		return asResult(err)
	}
	sub, err := f.p.Submit(ctx, in)
	if f.note(err) != nil {
		return asResult(err)
	}
	if sub.Ref == "" {
		f.t.Fatalf("Submit returned no reference")
	}
	if sub.Result.Status.Final() {
		return sub.Result, nil
	}
	res, err := f.p.Status(ctx, in, sub.Ref)
	if f.note(err) != nil {
		return asResult(err)
	}
	if res.Status.Final() {
		return res, nil
	}
	f.clock.Advance(settle + time.Second)
	res, err = f.p.Status(ctx, in, sub.Ref)
	if f.note(err) != nil {
		return asResult(err)
	}
	return res, nil
}

func asResult(err error) (dispatch.Result, error) {
	if r, ok := dispatch.IsRejected(err); ok {
		return dispatch.Result{Status: batch.RJCT, Reason: r.Code, ProviderCode: r.ProviderCode, Text: r.Text}, nil
	}
	return dispatch.Result{}, err
}

// entries returns the ledger entries carrying key.
func (f *fixture) entries(key string) []simulate.Entry {
	if f.h.LedgerKey != nil {
		key = f.h.LedgerKey(key)
	}
	var out []simulate.Entry
	for _, e := range f.env.Ledger.Entries() {
		if e.Key == key {
			out = append(out, e)
		}
	}
	return out
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

// Run runs the conformance suite against h.
func Run(t *testing.T, h Harness) {
	if h.Name == "" || h.Sandbox == nil || h.NewProvider == nil || h.Instruction == nil || h.IsPayout == nil {
		t.Fatal("providertest: Harness needs Name, Sandbox, NewProvider, Instruction and IsPayout")
	}
	t.Run("Success", func(t *testing.T) { testSuccess(t, h) })
	t.Run("Outcomes", func(t *testing.T) { testOutcomes(t, h) })
	t.Run("Faults", func(t *testing.T) { testFaults(t, h) })
	t.Run("Timeout", func(t *testing.T) { testTimeout(t, h) })
	t.Run("CommitThenDrop", func(t *testing.T) { testCommitThenDrop(t, h) })
	t.Run("LookupNeverSubmitted", func(t *testing.T) { testLookupMissing(t, h) })
	if h.Tokens {
		t.Run("TokenExpiry", func(t *testing.T) { testTokenExpiry(t, h) })
	}
}

func testSuccess(t *testing.T, h Harness) {
	f := newFixture(t, h, fixtureOpts{})
	ctx := context.Background()
	// 987 654 321.01: too many digits for a float64 round trip to survive
	// unnoticed if anything on the path used one.
	const minor = 98765432101
	in := f.instruction(minor)
	if err := f.note(f.p.Preflight(ctx, in)); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	sub, err := f.p.Submit(ctx, in)
	if f.note(err) != nil {
		t.Fatalf("Submit: %v", err)
	}
	res, err := f.p.Status(ctx, in, sub.Ref)
	if f.note(err) != nil {
		t.Fatalf("Status: %v", err)
	}
	if res.Status != batch.ACSP {
		t.Errorf("status before settling = %s, want ACSP", res.Status)
	}
	f.clock.Advance(settle + time.Second)
	res, err = f.p.Status(ctx, in, sub.Ref)
	if f.note(err) != nil {
		t.Fatalf("Status: %v", err)
	}
	if res.Status != batch.ACSC {
		t.Errorf("status after settling = %s (%s %s), want ACSC", res.Status, res.ProviderCode, res.Text)
	}
	es := f.entries(in.Key)
	if len(es) != 1 {
		t.Fatalf("ledger has %d entries for the key, want 1: %+v", len(es), f.env.Ledger.Entries())
	}
	e := es[0]
	p := in.Payment
	if e.Provider != h.Name || e.ID == "" || e.Amount != minor || e.Currency != "EUR" ||
		e.IBAN != p.CreditorIBAN || e.EndToEndID != p.EndToEndID || e.BatchID != in.BatchID || e.Status == "" {
		t.Errorf("ledger entry %+v does not match the payment (iban %s, e2e %s, batch %s)", e, p.CreditorIBAN, p.EndToEndID, in.BatchID)
	}
	if e.ID != sub.Ref {
		t.Errorf("ledger id %q, Submit ref %q", e.ID, sub.Ref)
	}
}

func testOutcomes(t *testing.T, h Harness) {
	be01 := dispatch.Result{Status: batch.ACSC}
	if h.PayeeVerification {
		be01 = dispatch.Result{Status: batch.RJCT, Reason: batch.BE01}
	}
	cases := []struct {
		minor int64
		want  dispatch.Result // Status PDNG here means "never final"
	}{
		{1000, dispatch.Result{Status: batch.ACSC}},
		{1051, dispatch.Result{Status: batch.RJCT, Reason: batch.AM04}},
		{1052, dispatch.Result{Status: batch.RJCT, Reason: batch.AC01}},
		{1053, dispatch.Result{Status: batch.RJCT, Reason: batch.AG01}},
		{1054, dispatch.Result{Status: batch.PDNG}},
		{1055, be01},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.minor), func(t *testing.T) {
			f := newFixture(t, h, fixtureOpts{})
			in := f.instruction(c.minor)
			got, err := f.drive(in)
			if err != nil {
				t.Fatalf("unexpected error: %T %v", err, err)
			}
			if c.want.Status == batch.PDNG {
				if got.Status.Final() {
					t.Fatalf("status %s %s, want a pending state that never turns final", got.Status, got.Reason)
				}
				f.clock.Advance(1000 * time.Hour)
				ref := f.lookupRef(in)
				got, err = f.p.Status(context.Background(), in, ref)
				if f.note(err) != nil || got.Status.Final() {
					t.Fatalf("after 1000h: %s %v, want still pending", got.Status, err)
				}
				return
			}
			if got.Status != c.want.Status || got.Reason != c.want.Reason {
				t.Fatalf("got %s %s (%s %q), want %s %s", got.Status, got.Reason, got.ProviderCode, got.Text, c.want.Status, c.want.Reason)
			}
		})
	}
}

// lookupRef finds a submitted payment's reference by its key.
func (f *fixture) lookupRef(in *dispatch.Instruction) string {
	f.t.Helper()
	sub, found, err := f.p.Lookup(context.Background(), in)
	if f.note(err) != nil || !found || sub.Ref == "" {
		f.t.Fatalf("Lookup: found=%v ref=%q err=%v", found, sub.Ref, err)
	}
	return sub.Ref
}

func testFaults(t *testing.T, h Harness) {
	for _, status := range []simulate.Status{429, 500, 503} {
		for _, scope := range []string{"all", "payout"} {
			t.Run(fmt.Sprintf("%d-%s", status, scope), func(t *testing.T) {
				f := newFixture(t, h, fixtureOpts{})
				ctx := context.Background()
				in := f.instruction(1000)
				if err := f.note(f.p.Preflight(ctx, in)); err != nil {
					t.Fatalf("Preflight: %v", err)
				}
				name := h.Name
				if scope == "payout" {
					name += "/payout"
				}
				f.setFault(simulate.Fault{Provider: name, ErrorRate: 1, Status: status, RetryAfterSeconds: 2})
				_, err := f.p.Submit(ctx, in)
				f.note(err)
				u, unknown := dispatch.IsUnknown(err)
				n, notSent := dispatch.IsNotSent(err)
				switch {
				case unknown:
					if u.RetryAfter != 2*time.Second {
						t.Errorf("RetryAfter = %v, want 2s from the header", u.RetryAfter)
					}
				case notSent && scope == "all":
					// A preparatory call failed: the payout was provably not sent.
					if n.RetryAfter != 2*time.Second {
						t.Errorf("RetryAfter = %v, want 2s from the header", n.RetryAfter)
					}
				default:
					t.Fatalf("Submit = %T %v, want *dispatch.UnknownOutcomeError", err, err)
				}
				// The injected error ran no handler: nothing may be in the
				// ledger and Lookup must prove it.
				f.env.Faults.Clear()
				if es := f.entries(in.Key); len(es) != 0 {
					t.Fatalf("ledger has %d entries after an injected error", len(es))
				}
				_, found, err := f.p.Lookup(ctx, in)
				if f.note(err) != nil || found {
					t.Fatalf("Lookup = found %v, %v; want not found", found, err)
				}
			})
		}
	}
}

func testTimeout(t *testing.T, h Harness) {
	f := newFixture(t, h, fixtureOpts{timeout: time.Second})
	ctx := context.Background()
	in := f.instruction(1000)
	if err := f.note(f.p.Preflight(ctx, in)); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	f.setFault(simulate.Fault{Provider: h.Name + "/payout", ErrorRate: 1, Status: simulate.Timeout})
	_, err := f.p.Submit(ctx, in)
	f.note(err)
	if _, ok := dispatch.IsUnknown(err); !ok {
		t.Fatalf("Submit = %T %v, want *dispatch.UnknownOutcomeError", err, err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Logf("note: timeout error does not wrap context.DeadlineExceeded: %v", err)
	}
}

func testCommitThenDrop(t *testing.T, h Harness) {
	f := newFixture(t, h, fixtureOpts{})
	ctx := context.Background()
	in := f.instruction(2500)
	if err := f.note(f.p.Preflight(ctx, in)); err != nil {
		t.Fatalf("Preflight: %v", err)
	}
	f.setFault(simulate.Fault{Provider: h.Name + "/payout", DropAfterCommitRate: 1})
	_, err := f.p.Submit(ctx, in)
	f.note(err)
	if _, ok := dispatch.IsUnknown(err); !ok {
		t.Fatalf("Submit = %T %v, want *dispatch.UnknownOutcomeError", err, err)
	}
	f.env.Faults.Clear()
	sub, found, err := f.p.Lookup(ctx, in)
	if f.note(err) != nil || !found || sub.Ref == "" {
		t.Fatalf("Lookup = %+v found=%v err=%v, want the executed payout", sub, found, err)
	}
	// The engine's rule: a payment found by Lookup is never submitted again.
	if es := f.entries(in.Key); len(es) != 1 || es[0].ID != sub.Ref {
		t.Fatalf("ledger entries for the key: %+v, want exactly one with id %s", es, sub.Ref)
	}
	f.clock.Advance(settle + time.Second)
	res, err := f.p.Status(ctx, in, sub.Ref)
	if f.note(err) != nil || res.Status != batch.ACSC {
		t.Fatalf("Status after reconcile = %s %v, want ACSC", res.Status, err)
	}
}

func testLookupMissing(t *testing.T, h Harness) {
	f := newFixture(t, h, fixtureOpts{})
	ctx := context.Background()
	// Another payment exists, so that Lookup has something to skip.
	if res, err := f.drive(f.instruction(1000)); err != nil || res.Status != batch.ACSC {
		t.Fatalf("drive: %s %v", res.Status, err)
	}
	in := f.instruction(1000)
	sub, found, err := f.p.Lookup(ctx, in)
	if f.note(err) != nil || found {
		t.Fatalf("Lookup of a never-submitted key = %+v found=%v err=%v", sub, found, err)
	}
}

func testTokenExpiry(t *testing.T, h Harness) {
	t.Run("RefreshBeforeExpiry", func(t *testing.T) {
		f := newFixture(t, h, fixtureOpts{})
		if res, err := f.drive(f.instruction(1000)); err != nil || res.Status != batch.ACSC {
			t.Fatalf("first payment: %s %v", res.Status, err)
		}
		before := f.tokens.Load()
		f.clock.Advance(h.TokenLifetime + time.Minute)
		if res, err := f.drive(f.instruction(1000)); err != nil || res.Status != batch.ACSC {
			t.Fatalf("payment after expiry: %s %v", res.Status, err)
		}
		if f.tokens.Load() <= before {
			t.Fatalf("no new token was requested after expiry")
		}
	})
	t.Run("RefreshOn401", func(t *testing.T) {
		// The client's clock stands still while the sandbox's moves: the
		// client believes its token is fresh, the sandbox answers 401, and
		// the client must refresh and retry the refused call.
		stopped := NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		f := newFixture(t, h, fixtureOpts{clientClock: stopped.Now})
		if res, err := f.drive(f.instruction(1000)); err != nil || res.Status != batch.ACSC {
			t.Fatalf("first payment: %s %v", res.Status, err)
		}
		before := f.tokens.Load()
		f.clock.Advance(h.TokenLifetime + time.Minute)
		in := f.instruction(1000)
		if res, err := f.drive(in); err != nil || res.Status != batch.ACSC {
			t.Fatalf("payment after expiry: %s %v", res.Status, err)
		}
		if f.tokens.Load() <= before {
			t.Fatalf("no new token was requested after a 401")
		}
		if n := len(f.entries(in.Key)); n != 1 {
			t.Fatalf("ledger has %d entries for the payment, want 1", n)
		}
	})
}
