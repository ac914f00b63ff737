package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
)

// TestE2ECrashRestart kills `paybatch process` with SIGKILL at random
// moments during dispatch, with 5xx and "commit then drop" faults on at an
// external sandbox, and restarts it until the batch is done. More kills run
// in BenchmarkCrashRestart (make bench).
func TestE2ECrashRestart(t *testing.T) {
	crashScenario(t, 4, uint64(time.Now().UnixNano()))
}

// BenchmarkCrashRestart is the long crash loop: 15 kills per iteration.
func BenchmarkCrashRestart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		crashScenario(b, 15, uint64(time.Now().UnixNano())+uint64(i))
	}
}

// crashScenario runs one file through `kills` SIGKILLs and restarts, then
// checks exactly-once against the sandbox ledger and the store.
func crashScenario(tb testing.TB, kills int, seed uint64) {
	tb.Logf("seed %d, %d kills", seed, kills)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sb := startSandboxProc(tb, 300*time.Millisecond)
	for _, p := range []string{"p100", "wirex", "solaris", "smoney"} {
		var status any = 503
		if p == "wirex" {
			status = "timeout" // hangs past call_timeout: an unknown outcome
		}
		sb.fault(tb, map[string]any{"provider": p, "error_rate": 0.1, "status": status, "drop_after_commit_rate": 0.25})
	}
	dir := tb.TempDir()
	cfg := e2eConfig(tb, dir, sb.URL, "")
	raw, _ := os.ReadFile(cfg)
	// Enough attempts that injected 5xx never exhaust them: a payment given
	// up as "never sent" would hide a lost one.
	os.WriteFile(cfg, []byte(strings.ReplaceAll(string(raw), "max_attempts: 5", "max_attempts: 12")), 0o600)

	var rows [][]string
	provs := []struct{ name, iban, bic, user string }{
		{"p100", ibanDE, bicDE, "u-1001"}, {"wirex", ibanDE, bicDE, ""}, {"solaris", ibanDE, bicDE, ""}, {"smoney", ibanFR, bicFR, ""},
	}
	const n = 48
	for i := 0; i < n; i++ {
		p := provs[i%len(provs)]
		rows = append(rows, []string{fmt.Sprintf("CR-%03d", i+1), fmt.Sprintf("%d.%02d", 10+i, i%50), "EUR",
			"Erika Mustermann", p.iban, p.bic, "crash test", p.name, p.user})
	}
	file := writeCSV(tb, dir, "crash.csv", rows)

	killed := 0
	for k := 0; k < kills; k++ {
		cmd := exec.Command(pbBin, "process", "--config", cfg, "--json", "--timeout", "60s", file)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		wait := time.Duration(30+rng.IntN(700)) * time.Millisecond
		select {
		case <-done:
			// Finished before the kill: nothing left to interrupt.
			k = kills
		case <-time.After(wait):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
			tb.Logf("kill %d after %s: ledger %d", killed, wait, len(sb.ledger(tb)))
		}
	}
	tb.Logf("killed %d times", killed)

	// Restart until every payment is final or held for review, faults
	// still on.
	db := filepath.Join(dir, "data", "paybatch.db")
	var open int
	for attempt := 0; attempt < 8; attempt++ {
		open, total := 0, 0
		eachPayment(tb, db, func(d *batch.Dispatch) {
			total++
			if !d.State.Terminal() {
				open++
			}
		})
		if total > 0 && open == 0 {
			break // done (a run may have finished before its kill)
		}
		res := runPB(tb, dir, nil, 3*time.Minute, "process", "--config", cfg, "--json", "--timeout", "40s", file)
		if res.code == exitUsage || res.code == exitRejected {
			tb.Fatalf("restart: exit %d (all payments succeed at the sandbox)\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	}
	open = 0
	eachPayment(tb, db, func(d *batch.Dispatch) {
		if !d.State.Terminal() {
			open++
		}
	})
	if open > 0 {
		tb.Fatalf("%d payments still open after the restarts", open)
	}

	ledger := sb.ledger(tb)
	byKey, byE2E := map[string]int{}, map[string]int{}
	for _, e := range ledger {
		byKey[e.Key]++
		byE2E[e.EndToEndID]++
	}
	for k, c := range byKey {
		if c > 1 {
			tb.Errorf("ledger: key %s executed %d times", k, c)
		}
	}
	batches := map[string]bool{}
	seen, review := 0, 0
	eachPayment(tb, db, func(d *batch.Dispatch) {
		seen++
		batches[d.BatchID] = true
		e2e := d.Payment.EndToEndID
		c := byE2E[e2e]
		switch {
		case c > 1:
			tb.Errorf("%s paid %d times", e2e, c)
		case d.State == batch.Review:
			review++
		case d.Status == batch.ACSC && c != 1:
			tb.Errorf("%s ACSC but %d times in the ledger", e2e, c)
		case d.Status != batch.ACSC:
			tb.Errorf("%s lost: %s %s %s %q (ledger %d)", e2e, d.State, d.Status, d.Reason, d.Text, c)
		}
	})
	if len(batches) != 1 || seen != n {
		tb.Errorf("store holds %d payments in %d batches, want %d in one (restarts resume the batch)", seen, len(batches), n)
	}
	if len(ledger) > n {
		tb.Errorf("ledger holds %d payouts for %d payments", len(ledger), n)
	}
	tb.Logf("%d payments: %d held for review, ledger %d", seen, review, len(ledger))
}

// eachPayment reads every payment of every batch from the store at db.
func eachPayment(tb testing.TB, db string, fn func(*batch.Dispatch)) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	bs, err := st.ListBatches(ctx, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range bs {
		if err := st.Payments(ctx, b.ID, func(d *batch.Dispatch) error { fn(d); return nil }); err != nil {
			tb.Fatal(err)
		}
	}
}
