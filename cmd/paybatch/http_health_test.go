package main

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// /healthz answers while the process runs and the store answers; /readyz
// only once start-up finished; both fail when the store is gone.
func TestHTTPHealthAndReady(t *testing.T) {
	e := newHTTPEnv(t, time.Hour)
	if code, body := e.do(http.MethodGet, "/healthz", nil, nil); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("healthz: %d %q", code, body)
	}
	if code, _ := e.do(http.MethodGet, "/readyz", nil, nil); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before ready: %d, want 503", code)
	}
	// Not ready: an authenticated webhook is deferred, so the provider
	// retries it later.
	body := []byte(`{"id":"sct-1"}`)
	if code, _ := e.do(http.MethodPost, "/webhooks/solaris", body, webhookCases["solaris"].auth(testSecrets["solaris"], body)); code != http.StatusServiceUnavailable {
		t.Errorf("webhook before ready: %d, want 503", code)
	}
	e.ready.Store(true)
	if code, _ := e.do(http.MethodGet, "/readyz", nil, nil); code != http.StatusOK {
		t.Errorf("readyz after ready: %d, want 200", code)
	}
	e.a.store.Close() // the store stops answering
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := e.do(http.MethodGet, path, nil, nil); code != http.StatusServiceUnavailable {
			t.Errorf("%s with the store closed: %d, want 503", path, code)
		}
	}
}

// The sandbox, pointed at the daemon's own webhook endpoint, delivers
// signed webhooks when payouts settle, and they alone (polling is an hour
// away) bring every payment to ACSC. /metrics then shows the batch.
func TestHTTPSandboxWebhooksAndMetrics(t *testing.T) {
	// The settle delay leaves the engine time to persist each reference
	// before the sandbox's webhook for it arrives.
	e := newHTTPEnv(t, 2*time.Second)
	e.ready.Store(true)
	if err := e.a.sandboxWebhooks(context.Background(), e.srv.URL); err != nil {
		t.Fatal(err)
	}
	out := e.ingest(fourProvidersCSV)
	e.waitFor("every payment ACSC by webhook", func() bool {
		ps := e.payments(out.BatchID)
		n := 0
		for _, d := range ps {
			if d.State == batch.Done && d.Status == batch.ACSC {
				n++
			}
		}
		return n == 4
	})

	code, text := e.do(http.MethodGet, "/metrics", nil, nil)
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	value := func(series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Errorf("metrics: no %s", series)
			return -1
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	if v := value(`paybatch_files_total{outcome="accepted"}`); v != 1 {
		t.Errorf("files accepted = %v, want 1", v)
	}
	for _, p := range []string{"p100", "wirex", "solaris", "smoney"} {
		if v := value(`paybatch_payments{provider="` + p + `",status="ACSC"}`); v != 1 {
			t.Errorf("%s ACSC payments = %v, want 1", p, v)
		}
		if v := value(`paybatch_queue_depth{provider="` + p + `"}`); v != 0 {
			t.Errorf("%s queue depth = %v, want 0", p, v)
		}
		if v := value(`paybatch_provider_call_duration_seconds_count{method="submit",provider="` + p + `"}`); v < 1 {
			t.Errorf("%s submit calls = %v, want ≥ 1", p, v)
		}
		if v := value(`paybatch_webhooks_total{provider="` + p + `",result="refreshed"}`); v < 1 {
			t.Errorf("%s refreshed webhooks = %v, want ≥ 1", p, v)
		}
	}
	if v := value(`paybatch_store_up`); v != 1 {
		t.Errorf("store_up = %v", v)
	}
	for _, name := range []string{`paybatch_submit_retries_total{provider="solaris"}`, `paybatch_reconciliations_total{provider="solaris",to="done"}`, `paybatch_review_holds_total{provider="solaris"}`} {
		if v := value(name); v != 0 { // nothing went wrong in this batch
			t.Errorf("%s = %v, want 0", name, v)
		}
	}
	if strings.Contains(text, "DE89370400440532013000") || strings.Contains(text, "E2E-") {
		t.Error("metrics expose payment data")
	}
}
