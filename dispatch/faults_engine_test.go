package dispatch_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/simulate"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
)

// Provider faults with the real adapters against their sandboxes over real
// HTTP, and the real SQLite store as the engine's journal. A fault wrapper
// in front of each sandbox decides, per request, what the provider does.

// faultFn sees every request to one sandbox; it returns true when it
// answered itself, false to let the sandbox answer.
type faultFn func(w http.ResponseWriter, r *http.Request, next http.Handler) bool

type faultRig struct {
	t       *testing.T
	st      *store.Store
	env     *simulate.Env
	eng     *dispatch.Engine
	stop    func()
	calls   map[string]*atomic.Int64 // requests that reached each provider
	batchID string
}

type rigProvider struct {
	name    string
	fault   faultFn
	timeout time.Duration // adapter timeout; 0: 2 s
}

const (
	faultCallTimeout = 400 * time.Millisecond
	faultGrace       = 500 * time.Millisecond
)

func newFaultRig(t *testing.T, provs ...rigProvider) *faultRig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "pb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rig := &faultRig{t: t, st: st, env: simulate.NewEnv(10 * time.Millisecond), calls: map[string]*atomic.Int64{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	lanes := map[string]dispatch.Lane{}
	for _, p := range provs {
		var sandbox http.Handler
		switch p.name {
		case "solaris":
			sandbox = solaris.NewSandbox(rig.env, solaris.SandboxOptions{})
		case "smoney":
			sandbox = smoney.NewSandbox(rig.env, smoney.SandboxOptions{})
		}
		n := &atomic.Int64{}
		rig.calls[p.name] = n
		fault := p.fault
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			if fault != nil && fault(w, r, sandbox) {
				return
			}
			sandbox.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		timeout := p.timeout
		if timeout == 0 {
			timeout = 2 * time.Second
		}
		var prov dispatch.Provider
		switch p.name {
		case "solaris":
			prov, err = solaris.New(solaris.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret",
				AccountID: "acc-billing-1", Timeout: timeout, Logger: log})
		case "smoney":
			prov, err = smoney.New(smoney.Config{BaseURL: srv.URL, Token: "tok", PartnerDomain: "demo", AppUserID: "user-1",
				Timeout: timeout, Logger: log})
		}
		if err != nil {
			t.Fatal(err)
		}
		lanes[p.name] = dispatch.Lane{Provider: prov, Concurrency: 2,
			Retry: dispatch.RetryPolicy{MaxAttempts: 50, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}}
	}
	rig.eng, err = dispatch.NewEngine(dispatch.EngineConfig{Lanes: lanes, Journal: st, Log: log,
		CallTimeout: faultCallTimeout, Grace: faultGrace, ReviewAfter: time.Minute,
		PollMin: 5 * time.Millisecond, PollMax: 20 * time.Millisecond, Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ectx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); rig.eng.Run(ectx) }()
	rig.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(rig.stop)
	return rig
}

// queue stores one dispatching batch with n payments per provider named.
func (rig *faultRig) queue(n int, providers ...string) {
	rig.t.Helper()
	ctx := context.Background()
	info := &batch.PaymentInfo{Index: 1, ID: "PMT-1", Method: "TRF", DebtorName: "ACME", DebtorIBAN: "DE89370400440532013000"}
	b := &store.BatchRecord{ID: store.NewBatchID(time.Now()), FileName: "faults.xml", Source: "test",
		SHA256: fmt.Sprint(time.Now().UnixNano()), Stage: store.StageDispatching, Header: batch.Header{Format: "pain.001.001.03"}}
	if err := rig.st.CreateBatch(ctx, b, []*batch.PaymentInfo{info}); err != nil {
		rig.t.Fatal(err)
	}
	rig.batchID = b.ID
	var ds []*batch.Dispatch
	i := 0
	for _, prov := range providers {
		for range n {
			i++
			p := &batch.Payment{Index: i, Info: info, EndToEndID: fmt.Sprintf("E2E-%d", i),
				Amount:       batch.Amount{Minor: 1000 + int64(i)*100, Currency: "EUR"},
				CreditorName: "Erika Mustermann", CreditorIBAN: "FR1420041010050500013M02606", CreditorBIC: "PSSTFRPPXXX",
				RemittanceInfo: "faults"}
			ds = append(ds, &batch.Dispatch{Payment: p, Key: fmt.Sprintf("%s.%d", b.ID, i), Provider: prov, State: batch.Queued})
		}
	}
	if err := rig.st.AddPayments(ctx, b.ID, ds); err != nil {
		rig.t.Fatal(err)
	}
	rig.eng.Wake()
}

// states returns the payments of the batch by provider.
func (rig *faultRig) payments() map[string][]*batch.Dispatch {
	out := map[string][]*batch.Dispatch{}
	err := rig.st.Payments(context.Background(), rig.batchID, func(d *batch.Dispatch) error {
		out[d.Provider] = append(out[d.Provider], d)
		return nil
	})
	if err != nil {
		rig.t.Fatal(err)
	}
	return out
}

// settled reports whether every payment of provider is final or in review.
func settled(ds []*batch.Dispatch) bool {
	for _, d := range ds {
		if d.State != batch.Done && d.State != batch.Review {
			return false
		}
	}
	return len(ds) > 0
}

func (rig *faultRig) waitSettled(provider string, within time.Duration) []*batch.Dispatch {
	rig.t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if ds := rig.payments()[provider]; settled(ds) {
			return ds
		}
	}
	for _, d := range rig.payments()[provider] {
		rig.t.Logf("%s payment %d: %s %s %s", provider, d.Payment.Index, d.State, d.Status, d.Text)
	}
	rig.t.Fatalf("%s payments not final or held in time", provider)
	return nil
}

// checkOnce fails if any payment shows twice in the sandbox ledger, and
// requires every ACSC payment to be there exactly once.
func (rig *faultRig) checkOnce(ds []*batch.Dispatch) {
	rig.t.Helper()
	seen := map[string]int{}
	for _, e := range rig.env.Ledger.Entries() {
		seen[e.EndToEndID]++
	}
	for e2e, n := range seen {
		if n > 1 {
			rig.t.Errorf("%s paid %d times", e2e, n)
		}
	}
	for _, d := range ds {
		if d.Status == batch.ACSC && seen[d.Payment.EndToEndID] != 1 {
			rig.t.Errorf("%s is ACSC but in the ledger %d times", d.Payment.EndToEndID, seen[d.Payment.EndToEndID])
		}
	}
}

// commitThen lets the sandbox execute the payout, then replaces its answer.
func commitThen(w http.ResponseWriter, r *http.Request, next http.Handler, answer func(w http.ResponseWriter)) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	answer(w)
}

// A 200 with 50 MB of JSON after the payout was made: the adapter reads at
// most its body limit, calls the outcome unknown, and the engine finds the
// payout by its key instead of sending it again.
func TestFaultHugeJSONBodyOnSubmit(t *testing.T) {
	for _, prov := range []string{"solaris", "smoney"} {
		t.Run(prov, func(t *testing.T) {
			var once sync.Once
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			rig := newFaultRig(t, rigProvider{name: prov, fault: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
				hit := false
				if isPayout(r) {
					once.Do(func() {
						hit = true
						commitThen(w, r, next, func(w http.ResponseWriter) {
							w.Header().Set("Content-Type", "application/json")
							w.WriteHeader(http.StatusOK)
							io.WriteString(w, `{"id":"`)
							chunk := []byte(strings.Repeat("x", 64<<10))
							for range (50 << 20) / len(chunk) {
								if _, err := w.Write(chunk); err != nil {
									return // the client stopped reading: as it should
								}
							}
							io.WriteString(w, `"}`)
						})
					})
				}
				return hit
			}})
			rig.queue(2, prov)
			ds := rig.waitSettled(prov, 20*time.Second)
			runtime.ReadMemStats(&ms1)
			for _, d := range ds {
				if d.Status != batch.ACSC {
					t.Errorf("payment %d: %s %s %s, want ACSC after reconciliation", d.Payment.Index, d.State, d.Status, d.Text)
				}
			}
			rig.checkOnce(ds)
			if grew := ms1.TotalAlloc - ms0.TotalAlloc; grew > 40<<20 {
				t.Errorf("allocated %d MiB: the 50 MB body was read", grew>>20)
			}
		})
	}
}

// Invalid JSON with 200 after the payout was made: an unknown outcome,
// reconciled, paid once.
func TestFaultGarbageJSONOnSubmit(t *testing.T) {
	for _, prov := range []string{"solaris", "smoney"} {
		t.Run(prov, func(t *testing.T) {
			var once sync.Once
			rig := newFaultRig(t, rigProvider{name: prov, fault: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
				hit := false
				if isPayout(r) {
					once.Do(func() {
						hit = true
						commitThen(w, r, next, func(w http.ResponseWriter) {
							w.Header().Set("Content-Type", "application/json")
							io.WriteString(w, `{"id": "tr-1", "status": "exec`)
						})
					})
				}
				return hit
			}})
			rig.queue(2, prov)
			ds := rig.waitSettled(prov, 20*time.Second)
			for _, d := range ds {
				if d.Status != batch.ACSC {
					t.Errorf("payment %d: %s %s %s, want ACSC", d.Payment.Index, d.State, d.Status, d.Text)
				}
			}
			rig.checkOnce(ds)
		})
	}
}

// A provider that executes the payout and answers after the adapter gave
// up: the engine waits out the grace period, then finds it.
func TestFaultSlowResponsePastTimeout(t *testing.T) {
	for _, prov := range []string{"solaris", "smoney"} {
		t.Run(prov, func(t *testing.T) {
			var slow atomic.Int32
			rig := newFaultRig(t, rigProvider{name: prov, timeout: 100 * time.Millisecond,
				fault: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
					if !isPayout(r) || slow.Add(1) > 2 {
						return false
					}
					commitThen(w, r, next, func(w http.ResponseWriter) {
						select {
						case <-r.Context().Done():
						case <-time.After(time.Second):
						}
						w.WriteHeader(http.StatusGatewayTimeout)
					})
					return true
				}})
			rig.queue(2, prov)
			ds := rig.waitSettled(prov, 20*time.Second)
			for _, d := range ds {
				if d.Status != batch.ACSC {
					t.Errorf("payment %d: %s %s %s, want ACSC", d.Payment.Index, d.State, d.Status, d.Text)
				}
			}
			rig.checkOnce(ds)
		})
	}
}

func isPayout(r *http.Request) bool { return solaris.IsPayout(r) || smoney.IsPayout(r) }

// A 429 storm with Retry-After: once the provider said "not before T", no
// call of that lane reaches it before T (the calls already in flight
// aside), and every payment still ends paid once.
func TestFaultRetryAfterStorm(t *testing.T) {
	for _, prov := range []string{"solaris", "smoney"} {
		t.Run(prov, func(t *testing.T) {
			var mu sync.Mutex
			var first429 time.Time // when the first 429 was answered
			var early int          // calls that came inside its Retry-After window
			const retryAfter = time.Second
			rig := newFaultRig(t, rigProvider{name: prov, fault: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
				mu.Lock()
				now := time.Now()
				if !first429.IsZero() && now.Before(first429.Add(retryAfter-20*time.Millisecond)) {
					early++
				}
				storm := first429.IsZero() || now.Before(first429.Add(retryAfter+200*time.Millisecond))
				mu.Unlock()
				if !storm {
					return false
				}
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				mu.Lock()
				if first429.IsZero() {
					first429 = time.Now()
				}
				mu.Unlock()
				return true
			}})
			rig.queue(12, prov)
			ds := rig.waitSettled(prov, 30*time.Second)
			for _, d := range ds {
				if d.Status != batch.ACSC {
					t.Errorf("payment %d: %s %s %s, want ACSC", d.Payment.Index, d.State, d.Status, d.Text)
				}
			}
			rig.checkOnce(ds)
			mu.Lock()
			defer mu.Unlock()
			// Concurrency 2: one more call may already have been on its
			// way when the first 429 went out.
			if early > 1 {
				t.Errorf("%d calls came before the Retry-After the provider gave", early)
			}
		})
	}
}

// One provider down (every call 503, one payout executed before its 503),
// then back: the other provider's lane keeps working meanwhile; in the end
// every payment is final or held, none paid twice.
func TestFaultProviderDownThenBack(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	var committed atomic.Bool
	rig := newFaultRig(t,
		rigProvider{name: "smoney", fault: func(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
			if !down.Load() {
				return false
			}
			if isPayout(r) && committed.CompareAndSwap(false, true) {
				commitThen(w, r, next, func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) })
				return true
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}},
		rigProvider{name: "solaris"},
	)
	rig.queue(4, "smoney", "solaris")
	// The healthy lane finishes while the other provider is still down.
	up := rig.waitSettled("solaris", 20*time.Second)
	if !down.Load() || settled(rig.payments()["smoney"]) {
		t.Fatal("the down provider's payments settled while it was down")
	}
	callsWhileDown := rig.calls["smoney"].Load()
	time.Sleep(100 * time.Millisecond) // it keeps being retried, not abandoned
	if rig.calls["smoney"].Load() <= callsWhileDown || callsWhileDown == 0 {
		t.Fatalf("the down provider is not retried (%d calls)", callsWhileDown)
	}
	down.Store(false)
	back := rig.waitSettled("smoney", 30*time.Second)
	for _, d := range append(up, back...) {
		if d.Status != batch.ACSC {
			t.Errorf("%s payment %d: %s %s %s, want ACSC", d.Provider, d.Payment.Index, d.State, d.Status, d.Text)
		}
	}
	rig.checkOnce(append(up, back...))
}
