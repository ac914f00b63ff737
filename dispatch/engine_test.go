package dispatch

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// memJournal is an in-memory Journal with the same compare-and-set rule as
// the SQLite store, for the engine's unit tests.
type memJournal struct {
	mu     sync.Mutex
	recs   map[int64]*batch.Dispatch
	events []string
}

func newMemJournal(ds ...*batch.Dispatch) *memJournal {
	j := &memJournal{recs: map[int64]*batch.Dispatch{}}
	for _, d := range ds {
		c := *d
		j.recs[d.PaymentID] = &c
	}
	return j
}

func (j *memJournal) Due(_ context.Context, provider string, now time.Time, limit int) ([]*batch.Dispatch, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*batch.Dispatch
	for _, d := range j.recs {
		if d.Provider == provider && !d.State.Terminal() && !d.NextAt.After(now) {
			c := *d
			out = append(out, &c)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].NextAt.Before(out[b].NextAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (j *memJournal) Transition(_ context.Context, d *batch.Dispatch, from batch.DispatchState, why string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	cur, ok := j.recs[d.PaymentID]
	if !ok || cur.State != from {
		return batch.ErrConflict
	}
	c := *d
	j.recs[d.PaymentID] = &c
	if why != "" {
		j.events = append(j.events, string(from)+"->"+string(d.State)+": "+why)
	}
	return nil
}

func (j *memJournal) Get(_ context.Context, id int64) (*batch.Dispatch, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	c := *j.recs[id]
	return &c, nil
}

func (j *memJournal) FindByRef(_ context.Context, provider, ref string) (*batch.Dispatch, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, d := range j.recs {
		if d.Provider == provider && d.Ref == ref {
			c := *d
			return &c, nil
		}
	}
	return nil, errors.New("not found")
}

func (j *memJournal) get(id int64) batch.Dispatch {
	j.mu.Lock()
	defer j.mu.Unlock()
	return *j.recs[id]
}

// fakeProvider is built from function fields; nil fields succeed.
type fakeProvider struct {
	caps      Capabilities
	preflight func(*Instruction) error
	submit    func(*Instruction) (Submission, error)
	status    func(*Instruction, string) (Result, error)
	lookup    func(*Instruction) (Submission, bool, error)
	submits   atomic.Int32
	lookups   atomic.Int32
}

func (f *fakeProvider) Name() string               { return "fake" }
func (f *fakeProvider) Capabilities() Capabilities { return f.caps }
func (f *fakeProvider) Preflight(_ context.Context, in *Instruction) error {
	if f.preflight != nil {
		return f.preflight(in)
	}
	return nil
}
func (f *fakeProvider) Submit(_ context.Context, in *Instruction) (Submission, error) {
	f.submits.Add(1)
	if f.submit != nil {
		return f.submit(in)
	}
	return Submission{Ref: "ref-" + in.Key}, nil
}
func (f *fakeProvider) Status(_ context.Context, in *Instruction, ref string) (Result, error) {
	if f.status != nil {
		return f.status(in, ref)
	}
	return Result{Status: batch.ACSC}, nil
}
func (f *fakeProvider) Lookup(_ context.Context, in *Instruction) (Submission, bool, error) {
	f.lookups.Add(1)
	if f.lookup != nil {
		return f.lookup(in)
	}
	return Submission{}, false, nil
}

func queued(id int64) *batch.Dispatch {
	return &batch.Dispatch{PaymentID: id, BatchID: "B1", Provider: "fake", Key: "k" + string(rune('0'+id)),
		State: batch.Queued, Payment: &batch.Payment{Index: int(id), Amount: batch.Amount{Minor: 1000, Currency: "EUR"}}}
}

// runUntil runs an engine over j until every record is terminal or the
// (generous) deadline passes, and returns the journal's records.
func runUntil(t *testing.T, p Provider, j *memJournal, tweak func(*EngineConfig)) {
	t.Helper()
	cfg := EngineConfig{
		Lanes:       map[string]Lane{"fake": {Provider: p, Concurrency: 3, Retry: RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}}},
		Journal:     j,
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		CallTimeout: 20 * time.Millisecond,
		Grace:       30 * time.Millisecond,
		PollMin:     time.Millisecond,
		PollMax:     5 * time.Millisecond,
		Tick:        2 * time.Millisecond,
		ReviewAfter: 200 * time.Millisecond,
	}
	if tweak != nil {
		tweak(&cfg)
	}
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		all := true
		j.mu.Lock()
		for _, d := range j.recs {
			all = all && d.State.Terminal()
		}
		j.mu.Unlock()
		if all {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("records not terminal before deadline; events: %v", j.events)
}

func TestEngineSuccess(t *testing.T) {
	p := &fakeProvider{}
	pending := map[string]int{}
	var mu sync.Mutex
	p.status = func(in *Instruction, ref string) (Result, error) {
		mu.Lock()
		defer mu.Unlock()
		pending[ref]++
		if pending[ref] < 3 {
			return Result{Status: batch.ACSP}, nil
		}
		return Result{Status: batch.ACSC}, nil
	}
	j := newMemJournal(queued(1), queued(2), queued(3), queued(4))
	runUntil(t, p, j, nil)
	for id := int64(1); id <= 4; id++ {
		d := j.get(id)
		if d.State != batch.Done || d.Status != batch.ACSC || d.Attempts != 1 || d.Ref == "" {
			t.Errorf("payment %d: %+v", id, d)
		}
	}
	if n := p.submits.Load(); n != 4 {
		t.Fatalf("submits = %d, want 4", n)
	}
}

func TestEnginePreflightRejectionNeverSubmits(t *testing.T) {
	p := &fakeProvider{preflight: func(*Instruction) error {
		return &RejectedError{Code: batch.AG01, ProviderCode: "NOT_APPROVED", Text: "IBAN not approved"}
	}}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.Status != batch.RJCT || d.Reason != batch.AG01 || d.ProviderCode != "NOT_APPROVED" {
		t.Fatalf("got %+v", d)
	}
	if p.submits.Load() != 0 {
		t.Fatal("a payment rejected in preflight was submitted")
	}
}

func TestEngineSubmitRejection(t *testing.T) {
	p := &fakeProvider{submit: func(*Instruction) (Submission, error) {
		return Submission{}, &RejectedError{Code: batch.AM04, ProviderCode: "P433", Text: "insufficient funds"}
	}}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	if d := j.get(1); d.Status != batch.RJCT || d.Reason != batch.AM04 || d.Attempts != 1 {
		t.Fatalf("got %+v", d)
	}
}

// The core exactly-once rule: after an unknown outcome, a lookup that finds
// the payout means no second submit.
func TestEngineUnknownOutcomeFoundByLookup(t *testing.T) {
	var made atomic.Bool
	p := &fakeProvider{}
	p.submit = func(in *Instruction) (Submission, error) {
		made.Store(true) // committed at the provider, but the answer is lost
		return Submission{}, &UnknownOutcomeError{Err: io.ErrUnexpectedEOF}
	}
	p.lookup = func(in *Instruction) (Submission, bool, error) {
		if made.Load() {
			return Submission{Ref: "found-" + in.Key}, true, nil
		}
		return Submission{}, false, nil
	}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.State != batch.Done || d.Status != batch.ACSC || d.Ref != "found-k1" {
		t.Fatalf("got %+v", d)
	}
	if n := p.submits.Load(); n != 1 {
		t.Fatalf("submits = %d, want exactly 1", n)
	}
}

func TestEngineUnknownOutcomeProvenNotMadeIsResent(t *testing.T) {
	p := &fakeProvider{}
	p.submit = func(in *Instruction) (Submission, error) {
		if p.submits.Load() == 1 {
			return Submission{}, &UnknownOutcomeError{Err: errors.New("503")}
		}
		return Submission{Ref: "r2"}, nil
	}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.Status != batch.ACSC || d.Attempts != 2 || p.lookups.Load() != 1 {
		t.Fatalf("got %+v, lookups %d", d, p.lookups.Load())
	}
}

func TestEngineUnprovableIsHeldForReview(t *testing.T) {
	p := &fakeProvider{
		submit: func(*Instruction) (Submission, error) {
			return Submission{}, &UnknownOutcomeError{Err: errors.New("timeout")}
		},
		lookup: func(*Instruction) (Submission, bool, error) {
			return Submission{}, false, errors.New("lookup unavailable")
		},
	}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.State != batch.Review || d.Status != batch.PDNG || d.Reason != batch.NARR {
		t.Fatalf("got %+v", d)
	}
	if p.submits.Load() != 1 {
		t.Fatalf("an unprovable payment was resent: %d submits", p.submits.Load())
	}
}

// A record found in Sending at start-up (kill -9 between persisting the
// intent and hearing the answer) is reconciled, never resent blind.
func TestEngineResumesSendingByReconciling(t *testing.T) {
	d := queued(1)
	d.State = batch.Sending
	d.Attempts = 1
	d.SentAt = time.Now().Add(-time.Minute)
	p := &fakeProvider{lookup: func(in *Instruction) (Submission, bool, error) {
		return Submission{Ref: "was-made"}, true, nil
	}}
	j := newMemJournal(d)
	runUntil(t, p, j, nil)
	if got := j.get(1); got.Status != batch.ACSC || got.Ref != "was-made" || p.submits.Load() != 0 {
		t.Fatalf("got %+v, submits %d", got, p.submits.Load())
	}
}

func TestEngineIdempotentReplay(t *testing.T) {
	p := &fakeProvider{caps: Capabilities{IdempotentReplay: true}}
	p.submit = func(in *Instruction) (Submission, error) {
		if p.submits.Load() == 1 {
			return Submission{}, &UnknownOutcomeError{Err: errors.New("reset")}
		}
		return Submission{Ref: "same"}, nil
	}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	if d := j.get(1); d.Status != batch.ACSC || p.lookups.Load() != 0 || p.submits.Load() != 2 {
		t.Fatalf("got %+v, lookups %d submits %d", d, p.lookups.Load(), p.submits.Load())
	}
}

func TestEngineNotSentRetriesThenGivesUp(t *testing.T) {
	p := &fakeProvider{submit: func(*Instruction) (Submission, error) {
		return Submission{}, &NotSentError{Err: errors.New("connection refused")}
	}}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.Status != batch.RJCT || d.Reason != batch.NARR || d.Attempts != 3 || p.submits.Load() != 3 {
		t.Fatalf("got %+v, submits %d", d, p.submits.Load())
	}
}

func TestEngineFutureDateNotSentEarly(t *testing.T) {
	d := queued(1)
	d.NextAt = time.Now().Add(time.Hour)
	p := &fakeProvider{}
	j := newMemJournal(d, queued(2))
	e, _ := NewEngine(EngineConfig{Lanes: map[string]Lane{"fake": {Provider: p}}, Journal: j, Tick: time.Millisecond, PollMin: time.Millisecond, CallTimeout: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.Run(ctx); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if j.get(2).State == batch.Done {
			break
		}
	}
	cancel()
	<-done
	if j.get(2).State != batch.Done {
		t.Fatal("the payment due today was not paid")
	}
	if got := j.get(1); got.State != batch.Queued || p.submits.Load() != 1 {
		t.Fatalf("future-dated payment touched: %+v, submits %d", got, p.submits.Load())
	}
}

func TestEngineRefreshOnWebhook(t *testing.T) {
	d := queued(1)
	d.State = batch.Submitted
	d.Ref = "r1"
	d.Status = batch.ACSP
	d.NextAt = time.Now().Add(time.Hour) // next poll far away
	p := &fakeProvider{}
	j := newMemJournal(d)
	e, _ := NewEngine(EngineConfig{Lanes: map[string]Lane{"fake": {Provider: p}}, Journal: j})
	if err := e.Refresh(context.Background(), "fake", "r1"); err != nil {
		t.Fatal(err)
	}
	if got := j.get(1); got.State != batch.Done || got.Status != batch.ACSC {
		t.Fatalf("got %+v", got)
	}
}

func TestEnginePreflightHoldIsReviewNotSent(t *testing.T) {
	p := &fakeProvider{preflight: func(*Instruction) error {
		return &HoldError{ProviderCode: "CLOSE_MATCH", Text: "payee name is a close match"}
	}}
	j := newMemJournal(queued(1))
	runUntil(t, p, j, nil)
	d := j.get(1)
	if d.State != batch.Review || d.Status != batch.PDNG || d.ProviderCode != "CLOSE_MATCH" {
		t.Fatalf("got %+v", d)
	}
	if p.submits.Load() != 0 {
		t.Fatal("a held payment was submitted")
	}
}
