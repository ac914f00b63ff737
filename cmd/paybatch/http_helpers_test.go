package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/batch/pipeline"
)

// Test secrets: none of them may ever appear in a log line.
var testSecrets = map[string]string{
	"p100": "whsec-p100-Zx81", "wirex": "whsec-wirex-Qa27", "solaris": "whsec-solaris-Lm55", "smoney": "whsec-smoney-Rt90",
}

// httpEnv is a real app (store, in-process sandbox over HTTP, engine)
// serving httpHandler on a real listener.
type httpEnv struct {
	t     *testing.T
	a     *app
	srv   *httptest.Server
	ready atomic.Bool
	logs  *batchtest.Buffer
	ctx   context.Context
}

// newHTTPEnv builds the app from a temp config. Polling is set to one hour,
// so only webhooks can move a submitted payment on during a test.
func newHTTPEnv(t *testing.T, settle time.Duration) *httpEnv {
	t.Helper()
	dir := t.TempDir()
	cfgText := `
data_dir: ` + dir + `
log: {level: debug}
sandbox: {enabled: true, settle_delay: ` + settle.String() + `}
dispatch: {poll_min: 1h, poll_max: 1h, call_timeout: 20s, grace: 30s}
providers:
  p100:
    type: p100
    webhook_secret: ${PB_TEST_WH_P100}
    options: {api_key: sandbox-api-key}
  wirex:
    type: wirex
    webhook_secret: ${PB_TEST_WH_WIREX}
    options: {client_id: c, client_secret: sandbox-secret, chain_id: "1", user_address: "0xSANDBOX", account_id: "acc-demo:details-demo"}
  solaris:
    type: solaris
    webhook_secret: ${PB_TEST_WH_SOLARIS}
    options: {client_id: c, client_secret: sandbox-secret, account_id: billing-demo}
  smoney:
    type: smoney
    webhook_secret: ${PB_TEST_WH_SMONEY}
    options: {token: sandbox-token, partner_domain: demo, app_user_id: demo-payer}
default_route: {provider: solaris}
`
	for name, s := range testSecrets {
		t.Setenv("PB_TEST_WH_"+strings.ToUpper(name), s)
	}
	t.Setenv("PAYBATCH_SANDBOX_URL", "")
	cfg, err := parseConfig("test", []byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	e := &httpEnv{t: t, logs: &batchtest.Buffer{}}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	e.ctx = ctx
	e.a, err = newApp(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(e.a.httpHandler(e.ready.Load))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.a.engine.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		e.srv.Close()
		e.a.Close()
		for name, s := range testSecrets {
			if strings.Contains(e.logs.String(), s) {
				t.Errorf("the %s webhook secret appears in the logs", name)
			}
		}
	})
	return e
}

// ingest runs a CSV through the pipeline, as the daemon does, and counts
// the file in the metrics.
func (e *httpEnv) ingest(csv string) *pipeline.Outcome {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), "batch.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		e.t.Fatal(err)
	}
	out, err := e.a.pipe.Ingest(e.ctx, pipeline.Input{Path: path, Name: "batch.csv", Source: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.a.metrics.fileIngested(out)
	return out
}

// payments returns the batch's dispatch records by provider.
func (e *httpEnv) payments(batchID string) map[string]*batch.Dispatch {
	e.t.Helper()
	out := map[string]*batch.Dispatch{}
	err := e.a.store.Payments(e.ctx, batchID, func(d *batch.Dispatch) error {
		out[d.Provider] = d
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds; the deadline is generous for a loaded
// machine and is a failure, never a measurement.
func (e *httpEnv) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (e *httpEnv) do(method, path string, body []byte, header http.Header) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// calls counts the provider calls the metrics decorator saw.
func (e *httpEnv) calls(provider, method string) uint64 {
	e.t.Helper()
	mfs, err := e.a.metrics.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "paybatch_provider_call_duration_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["provider"] == provider && labels["method"] == method {
				return m.GetHistogram().GetSampleCount()
			}
		}
	}
	return 0
}

// One payment per provider, each routed by the provider column; amounts
// end in .00 so every sandbox settles them as executed.
const fourProvidersCSV = `end_to_end_id,amount,currency,creditor_name,creditor_iban,creditor_bic,remittance_info,provider,external_user_id
E2E-P100,10.00,EUR,Erika Mustermann,DE89370400440532013000,COBADEFFXXX,Test p100,p100,u-1001
E2E-WIREX,11.00,EUR,Erika Mustermann,DE89370400440532013000,COBADEFFXXX,Test wirex,wirex,
E2E-SOLARIS,12.00,EUR,Erika Mustermann,DE89370400440532013000,COBADEFFXXX,Test solaris,solaris,
E2E-SMONEY,13.00,EUR,Erika Mustermann,DE89370400440532013000,COBADEFFXXX,Test smoney,smoney,
`
