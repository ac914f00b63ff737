package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/batch/pipeline"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/sandbox"
)

// writeBenchCSV writes n payments, all plain successes, tagged so that
// every file has new content (no DU01).
func writeBenchCSV(tb testing.TB, path, tag string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "end_to_end_id,amount,currency,creditor_name,creditor_iban,creditor_bic,remittance_info")
	for i := 0; i < n; i++ {
		// cents 00..50: never a magic sandbox outcome
		fmt.Fprintf(w, "%s-%06d,%d.%02d,EUR,Erika Mustermann,%s,%s,bench %d\n", tag, i+1, 1+i%997, i%51, ibanDE, bicDE, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkDispatchThroughput measures engine + SQLite store + the Solaris
// adapter against its sandbox answering every call after 50 ms, over real
// HTTP. With C workers and no rate limit, each payment holding a worker for
// k sequential calls of 50 ms, the ceiling is C / (k × 50 ms) payments per
// second. k is counted at the sandbox (Solaris with settle 0: Verification
// of Payee + submit, which answers executed at once, so k = 2; a status poll
// would make it 3), so extra calls show in calls/payment rather than raising
// the ceiling. pct_of_theoretical reports how close the engine comes.
func BenchmarkDispatchThroughput(b *testing.B) {
	const (
		latency     = 50 * time.Millisecond
		concurrency = 8
		perIter     = 400
	)
	sb := sandbox.New(sandbox.Options{SettleDelay: 0})
	var calls atomic.Int64
	h := sb.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/solaris/") && !strings.Contains(r.URL.Path, "oauth2") {
			calls.Add(1)
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	ext := &extSandbox{URL: srv.URL}
	ext.fault(b, map[string]any{"provider": "solaris", "latency_ms": latency.Milliseconds()})

	dir := b.TempDir()
	cfgText := benchConfig(dir, srv.URL, concurrency, "call_timeout: 5s, grace: 8s, poll_min: 1ms, poll_max: 50ms")
	cfg, err := parseConfig("bench", []byte(cfgText))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	// The engine is built here, over a journal that times the store's
	// transitions, so the report shows where a worker's time goes.
	tj := &timingJournal{Journal: a.store}
	provs, _ := buildProviders(cfg, srv.URL, slog.New(slog.NewTextHandler(io.Discard, nil)))
	eng, _ := dispatch.NewEngine(dispatch.EngineConfig{Lanes: map[string]dispatch.Lane{"solaris": {Provider: provs["solaris"], Concurrency: concurrency}},
		Journal: tj, Grace: cfg.Dispatch.Grace, PollMin: cfg.Dispatch.PollMin, PollMax: cfg.Dispatch.PollMax, CallTimeout: cfg.Dispatch.CallTimeout})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); eng.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()

	var files []string
	for i := 0; i < b.N; i++ {
		p := filepath.Join(dir, fmt.Sprintf("bench-%d.csv", i))
		writeBenchCSV(b, p, fmt.Sprintf("T%d", i), perIter)
		files = append(files, p)
	}
	calls.Store(0)
	var dispatch time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		out, err := a.pipe.Ingest(ctx, pipeline.Input{Path: files[i], Name: filepath.Base(files[i]), Source: "cli"})
		if err != nil || out.Failed() {
			b.Fatalf("ingest: %v %+v", err, out)
		}
		b.StartTimer()
		start := time.Now()
		eng.Wake()
		for {
			pr, err := a.pipe.Progress(ctx, out.BatchID)
			if err != nil {
				b.Fatal(err)
			}
			if pr.Open() == 0 {
				if pr.Settled != perIter {
					b.Fatalf("settled %d of %d: %+v", pr.Settled, perIter, pr)
				}
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		dispatch += time.Since(start)
	}
	b.StopTimer()
	n := float64(b.N * perIter)
	perSec := n / dispatch.Seconds()
	callsPer := float64(calls.Load()) / n
	theoretical := float64(concurrency) / (callsPer * latency.Seconds())
	b.ReportMetric(perSec, "payments/s")
	b.ReportMetric(theoretical, "theoretical/s")
	b.ReportMetric(100*perSec/theoretical, "pct_of_theoretical")
	b.ReportMetric(callsPer, "calls/payment")
	b.ReportMetric(float64(tj.trNs.Load())/float64(max(1, tj.trN.Load()))/1e6, "transition_ms")
}

// BenchmarkProcess100k runs `paybatch process` as a subprocess on a file of
// 100 000 payments (PAYBATCH_BENCH_N overrides) against a zero-latency
// `paybatch sandbox` subprocess, from file to every payment final, and
// reports the wall time and the process's peak RSS (at least this test
// process's RSS when it starts the child, some 20-25 MB: see below).
func BenchmarkProcess100k(b *testing.B) {
	n := 100000
	if s := os.Getenv("PAYBATCH_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	sb := startSandboxProc(b, 0)
	dir := b.TempDir()
	cfg := filepath.Join(dir, "paybatch.yaml")
	os.WriteFile(cfg, []byte(benchConfig(dir, sb.URL, 16, "call_timeout: 10s, grace: 15s, poll_min: 10ms, poll_max: 200ms")), 0o600)
	var secs, rssMB float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		file := filepath.Join(dir, fmt.Sprintf("big-%d.csv", i))
		writeBenchCSV(b, file, fmt.Sprintf("BIG%d", i), n)
		b.StartTimer()
		// Go starts the child by vfork, and at exec Linux carries this
		// process's peak RSS over into the child's maxrss: after the
		// ledger check below has decoded 100k entries here (about 129
		// MB), every later run would report that instead of the
		// child's own peak. Shrink and reset ours first.
		debug.FreeOSMemory()
		batchtest.ResetPeakRSS()
		start := time.Now()
		cmd := exec.Command(pbBin, "process", "--config", cfg, "--timeout", "2h", file)
		cmd.Dir = dir
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		err := cmd.Run()
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatalf("process: %v\n%s", err, stderr.String())
		}
		secs += elapsed.Seconds()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rssMB = max(rssMB, float64(ru.Maxrss)/1024) // Linux: KiB
		}
		if got := len(sb.ledger(b)); got != n*(i+1) {
			b.Fatalf("ledger holds %d payouts, want %d", got, n*(i+1))
		}
	}
	b.ReportMetric(secs/float64(b.N), "s/file")
	b.ReportMetric(float64(n)*float64(b.N)/secs, "payments/s")
	b.ReportMetric(rssMB, "peak_rss_MB")
}

// timingJournal measures the store's Due and Transition calls.
type timingJournal struct {
	dispatch.Journal
	dueN, dueNs, trN, trNs atomic.Int64
}

func (t *timingJournal) Due(ctx context.Context, p string, now time.Time, limit int) ([]*batch.Dispatch, error) {
	s := time.Now()
	defer func() { t.dueN.Add(1); t.dueNs.Add(int64(time.Since(s))) }()
	return t.Journal.Due(ctx, p, now, limit)
}
func (t *timingJournal) Transition(ctx context.Context, w *batch.Dispatch, from batch.DispatchState, why string) error {
	s := time.Now()
	defer func() { t.trN.Add(1); t.trNs.Add(int64(time.Since(s))) }()
	return t.Journal.Transition(ctx, w, from, why)
}

// benchConfig is the configuration the benchmarks run paybatch with: data
// under dir, the sandbox at url, one Solaris lane of concurrency workers
// that every payment is routed to, and the dispatch timings given.
func benchConfig(dir, url string, concurrency int, dispatch string) string {
	return fmt.Sprintf(`data_dir: %[1]s/data
database: %[1]s/data/paybatch.db
log: {level: error}
http: {listen: "off"}
sandbox: {enabled: true, url: %[2]q}
dispatch: {%[4]s}
providers:
  solaris:
    type: solaris
    concurrency: %[3]d
    options: {client_id: c, client_secret: s, account_id: billing-bench}
default_route: {provider: solaris}
`, dir, url, concurrency, dispatch)
}
