package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/pipeline"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
)

// metrics is paybatch's Prometheus instrumentation on a private registry,
// so that tests can build several apps in one process. Labels are provider
// names, methods, outcomes and statuses only: never an IBAN, a name or an
// amount.
type metrics struct {
	reg *prometheus.Registry
	log *slog.Logger

	files         *prometheus.CounterVec
	calls         *prometheus.HistogramVec
	callErrors    *prometheus.CounterVec
	retries       *prometheus.CounterVec
	reconciled    *prometheus.CounterVec
	holds         *prometheus.CounterVec
	transitions   *prometheus.CounterVec
	webhooks      *prometheus.CounterVec
	scrapeTimeout time.Duration

	// last is each open payment's last state seen by OnChange, to tell a
	// transition out of Unknown (a reconciliation). Entries go when the
	// payment is terminal, so it holds at most the open payments.
	mu   sync.Mutex
	last map[int64]batch.DispatchState
}

// countsFunc reads the store's payment counts at scrape time.
type countsFunc func(ctx context.Context) ([]store.ProviderCount, error)

func newMetrics(counts countsFunc, log *slog.Logger) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(), log: log, scrapeTimeout: 2 * time.Second,
		last: map[int64]batch.DispatchState{},
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_files_total", Help: "Input files ingested, by outcome (accepted, partial, rejected, duplicate).",
		}, []string{"outcome"}),
		calls: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "paybatch_provider_call_duration_seconds", Help: "Provider API calls, by provider and method.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2.5, 10),
		}, []string{"provider", "method"}),
		callErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_provider_call_errors_total", Help: "Provider API calls that returned an error, by provider and method.",
		}, []string{"provider", "method"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_submit_retries_total", Help: "Submit attempts after the first, by provider.",
		}, []string{"provider"}),
		reconciled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_reconciliations_total", Help: "Payments moved out of an unknown outcome, by provider and the state they reached.",
		}, []string{"provider", "to"}),
		holds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_review_holds_total", Help: "Payments held as PDNG needs review, by provider.",
		}, []string{"provider"}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_payment_transitions_total", Help: "Persisted dispatch transitions, by provider and the state reached.",
		}, []string{"provider", "state"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paybatch_webhooks_total", Help: "Webhooks received, by provider and result (refreshed, ignored, unauthorized, bad_request, error).",
		}, []string{"provider", "result"}),
	}
	m.reg.MustRegister(m.files, m.calls, m.callErrors, m.retries, m.reconciled, m.holds, m.transitions, m.webhooks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if counts != nil {
		m.reg.MustRegister(&storeCollector{counts: counts, timeout: m.scrapeTimeout, log: log})
	}
	return m
}

// fileIngested counts one file by its outcome; the daemon calls it after
// pipeline Ingest. A nil outcome (Ingest failed) is not counted.
func (m *metrics) fileIngested(out *pipeline.Outcome) {
	if m == nil || out == nil {
		return
	}
	outcome := "accepted"
	switch {
	case out.Duplicate:
		outcome = "duplicate"
	case out.Rejected:
		outcome = "rejected"
	case out.Invalid > 0:
		outcome = "partial"
	}
	m.files.WithLabelValues(outcome).Inc()
}

// onChange is the engine's OnChange: called after every persisted
// transition.
func (m *metrics) onChange(d *batch.Dispatch) {
	m.transitions.WithLabelValues(d.Provider, string(d.State)).Inc()
	if d.State == batch.Sending && d.Attempts > 1 {
		m.retries.WithLabelValues(d.Provider).Inc()
	}
	if d.State == batch.Review {
		m.holds.WithLabelValues(d.Provider).Inc()
	}
	m.mu.Lock()
	prev := m.last[d.PaymentID]
	if d.State.Terminal() {
		delete(m.last, d.PaymentID)
	} else {
		m.last[d.PaymentID] = d.State
	}
	m.mu.Unlock()
	if prev == batch.Unknown && d.State != batch.Unknown {
		m.reconciled.WithLabelValues(d.Provider, string(d.State)).Inc()
	}
}

// webhook counts one received webhook.
func (m *metrics) webhook(provider, result string) {
	m.webhooks.WithLabelValues(provider, result).Inc()
}

// instrument wraps a provider so every call is timed, and starts its
// counters at zero so that dashboards and alerts see them before the first
// retry, reconciliation or hold.
func (m *metrics) instrument(name string, p dispatch.Provider) dispatch.Provider {
	m.retries.WithLabelValues(name)
	m.holds.WithLabelValues(name)
	for _, to := range []batch.DispatchState{batch.Submitted, batch.Done, batch.Sending, batch.Review} {
		m.reconciled.WithLabelValues(name, string(to))
	}
	return &timedProvider{Provider: p, name: name, m: m}
}

// timedProvider is a dispatch.Provider decorator that records each call's
// latency and errors; it changes nothing else.
type timedProvider struct {
	dispatch.Provider
	name string
	m    *metrics
}

var _ dispatch.Provider = (*timedProvider)(nil)

func (t *timedProvider) observe(method string, start time.Time, err error) {
	t.m.calls.WithLabelValues(t.name, method).Observe(time.Since(start).Seconds())
	if err != nil {
		t.m.callErrors.WithLabelValues(t.name, method).Inc()
	}
}

func (t *timedProvider) Preflight(ctx context.Context, in *dispatch.Instruction) (err error) {
	defer func(start time.Time) { t.observe("preflight", start, err) }(time.Now())
	return t.Provider.Preflight(ctx, in)
}

func (t *timedProvider) Submit(ctx context.Context, in *dispatch.Instruction) (s dispatch.Submission, err error) {
	defer func(start time.Time) { t.observe("submit", start, err) }(time.Now())
	return t.Provider.Submit(ctx, in)
}

func (t *timedProvider) Status(ctx context.Context, in *dispatch.Instruction, ref string) (r dispatch.Result, err error) {
	defer func(start time.Time) { t.observe("status", start, err) }(time.Now())
	return t.Provider.Status(ctx, in, ref)
}

func (t *timedProvider) Lookup(ctx context.Context, in *dispatch.Instruction) (s dispatch.Submission, found bool, err error) {
	defer func(start time.Time) { t.observe("lookup", start, err) }(time.Now())
	return t.Provider.Lookup(ctx, in)
}

// storeCollector reads payment counts from the store at scrape time, so
// the gauges are right after a restart and across instances sharing the
// database.
type storeCollector struct {
	counts  countsFunc
	timeout time.Duration
	log     *slog.Logger
}

var (
	paymentsDesc = prometheus.NewDesc("paybatch_payments", "Routed payments by provider and pain.002 status (from the store).",
		[]string{"provider", "status"}, nil)
	queueDesc = prometheus.NewDesc("paybatch_queue_depth", "Payments in a non-terminal dispatch state, by provider (from the store).",
		[]string{"provider"}, nil)
	storeUpDesc = prometheus.NewDesc("paybatch_store_up", "1 if the store answered the scrape's count query.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- paymentsDesc
	ch <- queueDesc
	ch <- storeUpDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	rows, err := c.counts(ctx)
	if err != nil {
		c.log.Warn("metrics: count payments", "err", err)
		ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(storeUpDesc, prometheus.GaugeValue, 1)
	type key struct{ provider, status string }
	byStatus := map[key]int{}
	open := map[string]int{}
	for _, r := range rows {
		status := string(r.Status)
		if status == "" {
			status = "none"
		}
		byStatus[key{r.Provider, status}] += r.N
		if _, seen := open[r.Provider]; !seen {
			open[r.Provider] = 0 // a provider with nothing open shows 0
		}
		if !r.State.Terminal() {
			open[r.Provider] += r.N
		}
	}
	for k, n := range byStatus {
		ch <- prometheus.MustNewConstMetric(paymentsDesc, prometheus.GaugeValue, float64(n), k.provider, k.status)
	}
	for p, n := range open {
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(n), p)
	}
}
