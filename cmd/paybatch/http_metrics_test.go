package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/pipeline"
)

// The counters the engine's transitions feed: retries, reconciliations
// (out of Unknown), review holds; and files by outcome.
func TestMetricsCounters(t *testing.T) {
	m := newMetrics(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	step := func(id int64, st batch.DispatchState, attempts int) {
		m.onChange(&batch.Dispatch{PaymentID: id, Provider: "solaris", State: st, Attempts: attempts})
	}
	step(1, batch.Sending, 1)
	step(1, batch.Unknown, 1)
	step(1, batch.Unknown, 1) // waiting out the grace period: not yet reconciled
	step(1, batch.Sending, 2) // reconciled by an idempotent replay: a retry too
	step(1, batch.Submitted, 2)
	step(1, batch.Done, 2)
	step(2, batch.Sending, 1)
	step(2, batch.Unknown, 1)
	step(2, batch.Review, 1)
	if got := counterValue(m.retries.WithLabelValues("solaris")); got != 1 {
		t.Errorf("retries = %v, want 1", got)
	}
	if got := counterValue(m.reconciled.WithLabelValues("solaris", "sending")); got != 1 {
		t.Errorf("reconciled to sending = %v, want 1", got)
	}
	if got := counterValue(m.reconciled.WithLabelValues("solaris", "review")); got != 1 {
		t.Errorf("reconciled to review = %v, want 1", got)
	}
	if got := counterValue(m.holds.WithLabelValues("solaris")); got != 1 {
		t.Errorf("holds = %v, want 1", got)
	}
	if len(m.last) != 0 {
		t.Errorf("terminal payments still tracked: %v", m.last)
	}
	for _, o := range []*pipeline.Outcome{{}, {Invalid: 1}, {Rejected: true}, {Duplicate: true}, nil} {
		m.fileIngested(o)
	}
	for _, o := range []string{"accepted", "partial", "rejected", "duplicate"} {
		if got := counterValue(m.files.WithLabelValues(o)); got != 1 {
			t.Errorf("files %s = %v, want 1", o, got)
		}
	}
}

func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
