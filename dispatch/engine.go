package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/paybatch/paybatch/batch"
)

// Lane is one provider account as the engine runs it: the adapter plus its
// concurrency, rate limit and retry policy.
type Lane struct {
	Provider    Provider
	Concurrency int        // parallel calls; default 4
	Rate        rate.Limit // calls per second over all calls; 0 means unlimited
	Burst       int        // default: Concurrency
	Retry       RetryPolicy
}

// EngineConfig wires an Engine.
type EngineConfig struct {
	Lanes   map[string]Lane // by provider (route) name
	Journal Journal
	Log     *slog.Logger
	Now     func() time.Time

	// Grace is how long after a submit call started the engine waits before
	// reconciling an unknown outcome. It must exceed the adapters' request
	// timeout, so a request still in flight cannot be missed by the lookup.
	Grace time.Duration
	// ReviewAfter is how long the engine keeps trying to reconcile an
	// unknown outcome (lookups failing) before it holds the payment for
	// review. Default 30 minutes.
	ReviewAfter time.Duration
	// PollMin and PollMax bound the status polling interval of submitted
	// payments; it grows from PollMin to PollMax.
	PollMin, PollMax time.Duration
	// Tick is how often each lane looks for due work when not woken.
	Tick time.Duration
	// CallTimeout bounds one provider call. Calls are not cancelled by
	// shutdown: they finish (or time out) and their outcome is persisted.
	CallTimeout time.Duration
	// OnChange, if set, is called after every persisted transition.
	OnChange func(d *batch.Dispatch)
}

// Engine sends due payments through per-provider lanes and drives each one to
// a terminal state, persisting every step before acting on it.
type Engine struct {
	cfg   EngineConfig
	lanes map[string]*lane
}

type lane struct {
	name string
	Lane
	limiter *rate.Limiter
	wake    chan struct{}

	mu       sync.Mutex
	inflight map[int64]bool
	// pausedUntil is the latest Retry-After the provider gave: it speaks
	// for the client as a whole, so no call of this lane goes out before
	// it, not only the retry of the payment that got it.
	pausedUntil time.Time
}

// NewEngine validates the configuration and returns an engine.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	if cfg.Journal == nil {
		return nil, errors.New("dispatch: engine needs a journal")
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = 30 * time.Second
	}
	if cfg.Grace <= cfg.CallTimeout {
		cfg.Grace = cfg.CallTimeout + cfg.CallTimeout/2
	}
	if cfg.ReviewAfter <= 0 {
		cfg.ReviewAfter = 30 * time.Minute
	}
	if cfg.PollMin <= 0 {
		cfg.PollMin = time.Second
	}
	if cfg.PollMax < cfg.PollMin {
		cfg.PollMax = max(cfg.PollMin, time.Minute)
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 250 * time.Millisecond
	}
	e := &Engine{cfg: cfg, lanes: map[string]*lane{}}
	for name, l := range cfg.Lanes {
		if l.Provider == nil {
			return nil, fmt.Errorf("dispatch: lane %q has no provider", name)
		}
		if l.Concurrency <= 0 {
			l.Concurrency = 4
		}
		if l.Burst <= 0 {
			l.Burst = l.Concurrency
		}
		l.Retry = l.Retry.withDefaults()
		lim := rate.NewLimiter(rate.Inf, 0)
		if l.Rate > 0 {
			lim = rate.NewLimiter(l.Rate, l.Burst)
		}
		e.lanes[name] = &lane{name: name, Lane: l, limiter: lim, wake: make(chan struct{}, 1), inflight: map[int64]bool{}}
	}
	return e, nil
}

// Run drives every lane until ctx is cancelled, then waits for the calls in
// flight to finish and persist their outcome.
func (e *Engine) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, l := range e.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.runLane(ctx, l)
		}()
	}
	wg.Wait()
	return nil
}

// Wake makes the lanes look for due work now (e.g. after a batch was queued).
func (e *Engine) Wake() {
	for _, l := range e.lanes {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// Refresh fetches the status of the payment with the provider reference ref
// now, e.g. because a webhook said it changed. It never trusts the webhook's
// body: the provider is asked.
func (e *Engine) Refresh(ctx context.Context, provider, ref string) error {
	l, ok := e.lanes[provider]
	if !ok {
		return fmt.Errorf("dispatch: unknown provider %q", provider)
	}
	d, err := e.cfg.Journal.FindByRef(ctx, provider, ref)
	if err != nil {
		return err
	}
	if d.State != batch.Submitted {
		return nil
	}
	if !l.claim(d.PaymentID) {
		return nil // a worker is on it already
	}
	defer l.release(d.PaymentID)
	e.poll(ctx, l, d)
	return nil
}

func (e *Engine) runLane(ctx context.Context, l *lane) {
	work := make(chan *batch.Dispatch)
	var wg sync.WaitGroup
	for range l.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				e.step(ctx, l, d)
				l.release(d.PaymentID)
			}
		}()
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	ticker := time.NewTicker(e.cfg.Tick)
	defer ticker.Stop()
	for {
		e.feed(ctx, l, work)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-l.wake:
		}
	}
}

// feed hands due records to the workers until none is due or ctx ends. A
// record already in a worker's hands is skipped.
func (e *Engine) feed(ctx context.Context, l *lane, work chan<- *batch.Dispatch) {
	for ctx.Err() == nil {
		due, err := e.cfg.Journal.Due(ctx, l.name, e.cfg.Now(), l.Concurrency*4)
		if err != nil {
			if ctx.Err() == nil {
				e.cfg.Log.Error("dispatch: load due payments", "provider", l.name, "err", err)
			}
			return
		}
		handed := 0
		for _, d := range due {
			if !l.claim(d.PaymentID) {
				continue
			}
			select {
			case work <- d:
				handed++
			case <-ctx.Done():
				l.release(d.PaymentID)
				return
			}
		}
		if handed == 0 {
			return
		}
	}
}

func (l *lane) claim(id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.inflight[id] {
		return false
	}
	l.inflight[id] = true
	return true
}

func (l *lane) release(id int64) {
	l.mu.Lock()
	delete(l.inflight, id)
	l.mu.Unlock()
}

// step advances one record by one protocol step.
func (e *Engine) step(ctx context.Context, l *lane, d *batch.Dispatch) {
	switch d.State {
	case batch.Queued:
		e.send(ctx, l, d)
	case batch.Sending, batch.Unknown:
		e.reconcile(ctx, l, d)
	case batch.Submitted:
		e.poll(ctx, l, d)
	}
}

// call runs one provider call under the lane's rate limit and its own
// timeout. It is detached from shutdown: a call that started finishes, so
// its outcome can be persisted.
func (e *Engine) call(ctx context.Context, l *lane, fn func(context.Context) error) error {
	if err := e.waitPause(ctx, l); err != nil {
		return &NotSentError{Err: err}
	}
	if err := l.limiter.Wait(ctx); err != nil {
		return &NotSentError{Err: err}
	}
	err := e.invoke(ctx, fn)
	e.notePause(l, err)
	return err
}

// notePause pauses the whole lane when a call's error carries a
// Retry-After: during a 429 storm every other payment of the lane would
// otherwise call (and be refused) before the time the provider asked for.
func (e *Engine) notePause(l *lane, err error) {
	ra := retryAfter(err)
	if ra <= 0 {
		return
	}
	until := e.cfg.Now().Add(ra)
	l.mu.Lock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	l.mu.Unlock()
}

// waitPause waits out the lane's pause. It sleeps once, not until the
// clock says so: with an injected clock that does not move, a loop would
// never end.
func (e *Engine) waitPause(ctx context.Context, l *lane) error {
	l.mu.Lock()
	d := l.pausedUntil.Sub(e.cfg.Now())
	l.mu.Unlock()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// invoke runs one provider call with its own timeout, without the limiter.
func (e *Engine) invoke(ctx context.Context, fn func(context.Context) error) error {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.CallTimeout)
	defer cancel()
	return fn(cctx)
}

func (e *Engine) instruction(d *batch.Dispatch) *Instruction {
	return &Instruction{Key: d.Key, BatchID: d.BatchID, Account: d.Account, User: d.User, Payment: d.Payment}
}

// send runs preflight, persists the intent (Sending, attempt+1) and submits.
func (e *Engine) send(ctx context.Context, l *lane, d *batch.Dispatch) {
	in := e.instruction(d)
	if err := e.call(ctx, l, func(c context.Context) error { return l.Provider.Preflight(c, in) }); err != nil {
		if rej, ok := IsRejected(err); ok {
			e.finish(ctx, d, batch.Queued, rejected(rej), "preflight rejected")
			return
		}
		if h, ok := IsHold(err); ok {
			// Nothing was sent; a person decides (e.g. a payee-name close match).
			next := *d
			next.ProviderCode = h.ProviderCode
			e.hold(ctx, &next, batch.Queued, h.Text)
			return
		}
		// Preflight only reads; whatever went wrong, nothing was sent.
		next := *d
		next.NextAt = e.cfg.Now().Add(l.Retry.Backoff(d.Attempts+1, retryAfter(err)))
		next.Text = "preflight: " + err.Error()
		e.transition(ctx, &next, batch.Queued, "preflight failed, retrying")
		return
	}
	e.submit(ctx, l, d, batch.Queued)
}

// submit persists the intent, then makes the submit call. from is the state
// the record is in now (Queued, or Unknown after a proof of non-execution).
func (e *Engine) submit(ctx context.Context, l *lane, d *batch.Dispatch, from batch.DispatchState) {
	// Wait for the rate limit (and a provider's Retry-After) before
	// persisting the intent, so a shutdown while waiting leaves the record
	// as it was.
	if err := e.waitPause(ctx, l); err != nil {
		return
	}
	if err := l.limiter.Wait(ctx); err != nil {
		return
	}
	now := e.cfg.Now()
	intent := *d
	intent.State = batch.Sending
	intent.Attempts++
	intent.SentAt = now
	intent.NextAt = now.Add(e.cfg.Grace) // if we crash, reconcile after the grace period
	if !e.transition(ctx, &intent, from, fmt.Sprintf("submit attempt %d", intent.Attempts)) {
		return
	}
	in := e.instruction(&intent)
	var sub Submission
	err := e.invoke(ctx, func(c context.Context) error {
		var err error
		sub, err = l.Provider.Submit(c, in)
		return err
	})
	e.notePause(l, err)
	after := intent
	switch {
	case err == nil:
		after.Ref = sub.Ref
		res := sub.Result
		if res.Status == batch.StatusNone {
			res.Status = batch.ACSP
		}
		if res.Status.Final() {
			e.finish(ctx, &after, batch.Sending, res, "submitted, final at once")
			return
		}
		after.State = batch.Submitted
		after.Status = res.Status
		after.NextAt = e.cfg.Now().Add(e.cfg.PollMin)
		e.transition(ctx, &after, batch.Sending, "accepted by provider, ref "+sub.Ref)
	default:
		if rej, ok := IsRejected(err); ok {
			e.finish(ctx, &after, batch.Sending, rejected(rej), "rejected by provider")
			return
		}
		if ns, ok := IsNotSent(err); ok {
			if after.Attempts >= l.Retry.MaxAttempts {
				e.finish(ctx, &after, batch.Sending, Result{Status: batch.RJCT, Reason: batch.NARR,
					Text: fmt.Sprintf("not sent after %d attempts: %v", after.Attempts, ns.Err)}, "gave up: never sent")
				return
			}
			after.State = batch.Queued
			after.NextAt = e.cfg.Now().Add(l.Retry.Backoff(after.Attempts, ns.RetryAfter))
			after.Text = "not sent: " + ns.Err.Error()
			e.transition(ctx, &after, batch.Sending, "not sent, will retry")
			return
		}
		// Unknown outcome, or an error the adapter did not classify: both
		// may have taken effect, so they are reconciled, never resent blind.
		after.State = batch.Unknown
		after.NextAt = intent.SentAt.Add(max(e.cfg.Grace, retryAfter(err)))
		after.Text = "unknown outcome: " + err.Error()
		e.transition(ctx, &after, batch.Sending, "outcome unknown, will reconcile")
	}
}

// reconcile decides what became of a submit whose answer was lost: by an
// idempotent replay where the provider deduplicates, else by a lookup.
func (e *Engine) reconcile(ctx context.Context, l *lane, d *batch.Dispatch) {
	from := d.State
	now := e.cfg.Now()
	if now.Before(d.SentAt.Add(e.cfg.Grace)) {
		// Too early: the request might still be in flight (e.g. another
		// instance, or a crash just before). Wait out the grace period.
		next := *d
		next.NextAt = d.SentAt.Add(e.cfg.Grace)
		e.transition(ctx, &next, from, "waiting for the grace period")
		return
	}
	if from == batch.Sending {
		// A crash between persisting the intent and hearing the answer.
		next := *d
		next.State = batch.Unknown
		next.NextAt = now
		if !e.transition(ctx, &next, batch.Sending, "found in flight after restart: outcome unknown") {
			return
		}
		d, from = &next, batch.Unknown
	}
	if l.Provider.Capabilities().IdempotentReplay {
		if d.Attempts >= l.Retry.MaxAttempts {
			e.hold(ctx, d, from, fmt.Sprintf("no answer from the provider after %d idempotent attempts", d.Attempts))
			return
		}
		e.submit(ctx, l, d, from) // the provider returns the existing payout for the same key
		return
	}
	in := e.instruction(d)
	var sub Submission
	var found bool
	err := e.call(ctx, l, func(c context.Context) error {
		var err error
		sub, found, err = l.Provider.Lookup(c, in)
		return err
	})
	switch {
	case err != nil:
		next := *d
		if now.Sub(d.SentAt) >= e.cfg.ReviewAfter {
			e.hold(ctx, d, from, "could not prove whether the payment was made: "+err.Error())
			return
		}
		next.NextAt = now.Add(l.Retry.Backoff(d.Attempts, retryAfter(err)))
		next.Text = "lookup failed: " + err.Error()
		e.transition(ctx, &next, from, "lookup failed, will retry")
	case found:
		next := *d
		next.Ref = sub.Ref
		res := sub.Result
		if res.Status == batch.StatusNone {
			res.Status = batch.ACSP
		}
		if res.Status.Final() {
			e.finish(ctx, &next, from, res, "reconciled: found at provider, final")
			return
		}
		next.State = batch.Submitted
		next.Status = res.Status
		next.NextAt = now
		next.Text = ""
		e.transition(ctx, &next, from, "reconciled: found at provider, ref "+sub.Ref)
	default:
		// Proven not made: a resend is safe.
		if d.Attempts >= l.Retry.MaxAttempts {
			e.finish(ctx, d, from, Result{Status: batch.RJCT, Reason: batch.NARR,
				Text: fmt.Sprintf("not accepted by the provider after %d attempts", d.Attempts)}, "gave up: proven never made")
			return
		}
		e.submit(ctx, l, d, from)
	}
}

// poll asks the provider for the status of a submitted payment.
func (e *Engine) poll(ctx context.Context, l *lane, d *batch.Dispatch) {
	in := e.instruction(d)
	var res Result
	err := e.call(ctx, l, func(c context.Context) error {
		var err error
		res, err = l.Provider.Status(c, in, d.Ref)
		return err
	})
	now := e.cfg.Now()
	next := *d
	if err != nil {
		if rej, ok := IsRejected(err); ok {
			e.finish(ctx, d, batch.Submitted, rejected(rej), "rejected by provider")
			return
		}
		next.NextAt = now.Add(l.Retry.Backoff(2, retryAfter(err)))
		e.reschedule(ctx, &next, batch.Submitted)
		return
	}
	if res.Status.Final() {
		e.finish(ctx, d, batch.Submitted, res, "final at provider")
		return
	}
	// Poll less often the longer it stays pending.
	interval := e.cfg.PollMin
	if age := now.Sub(d.SentAt); age > 0 {
		interval = min(max(e.cfg.PollMin, age/4), e.cfg.PollMax)
	}
	next.NextAt = now.Add(interval)
	if res.Status != batch.StatusNone && res.Status != d.Status {
		next.Status = res.Status
		e.transition(ctx, &next, batch.Submitted, "status "+string(res.Status))
		return
	}
	e.reschedule(ctx, &next, batch.Submitted)
}

func (e *Engine) finish(ctx context.Context, d *batch.Dispatch, from batch.DispatchState, res Result, why string) {
	next := *d
	next.State = batch.Done
	next.Status = res.Status
	next.Reason = res.Reason
	next.ProviderCode = res.ProviderCode
	next.Text = res.Text
	if res.Ref != "" {
		next.Ref = res.Ref
	}
	if next.Status == batch.RJCT && next.Reason == batch.ReasonNone {
		next.Reason = batch.NARR
	}
	e.transition(ctx, &next, from, why)
}

// hold parks a payment as PDNG "needs review": never resent automatically.
func (e *Engine) hold(ctx context.Context, d *batch.Dispatch, from batch.DispatchState, why string) {
	next := *d
	next.State = batch.Review
	next.Status = batch.PDNG
	next.Reason = batch.NARR
	next.Text = "needs review: " + why
	e.transition(ctx, &next, from, "held for review")
}

// reschedule persists a new NextAt only; it is a transition to the same state.
func (e *Engine) reschedule(ctx context.Context, d *batch.Dispatch, from batch.DispatchState) {
	e.transition(ctx, d, from, "")
}

// transition persists a step. It reports false when the record moved
// underneath (another worker or instance), in which case the caller stops.
func (e *Engine) transition(ctx context.Context, d *batch.Dispatch, from batch.DispatchState, why string) bool {
	// Persisting must happen even during shutdown: the call already happened.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := e.cfg.Journal.Transition(pctx, d, from, why); err != nil {
		if errors.Is(err, batch.ErrConflict) {
			e.cfg.Log.Debug("dispatch: record moved concurrently", "payment", d.PaymentID, "from", from)
		} else {
			e.cfg.Log.Error("dispatch: persist transition", "payment", d.PaymentID, "from", from, "to", d.State, "err", err)
		}
		return false
	}
	if why != "" {
		e.cfg.Log.Debug("dispatch: transition", "batch", d.BatchID, "payment", d.PaymentID, "provider", d.Provider,
			"from", from, "to", d.State, "status", d.Status, "reason", d.Reason, "why", why)
	}
	if e.cfg.OnChange != nil {
		e.cfg.OnChange(d)
	}
	return true
}

func rejected(r *RejectedError) Result {
	return Result{Status: batch.RJCT, Reason: r.Code, ProviderCode: r.ProviderCode, Text: r.Text}
}

func retryAfter(err error) time.Duration {
	if u, ok := IsUnknown(err); ok {
		return u.RetryAfter
	}
	if n, ok := IsNotSent(err); ok {
		return n.RetryAfter
	}
	return 0
}
