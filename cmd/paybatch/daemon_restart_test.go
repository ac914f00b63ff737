package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type daemonLedgerEntry struct {
	Provider   string `json:"provider"`
	Key        string `json:"key"`
	BatchID    string `json:"batch_id"`
	EndToEndID string `json:"end_to_end_id"`
}

func readDaemonLedger(t *testing.T, base string) []daemonLedgerEntry {
	t.Helper()
	resp, err := http.Get(base + "/_sandbox/ledger")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []daemonLedgerEntry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDaemonRestartMidDispatchPaysOnce stops the daemon with SIGTERM while
// a batch is being dispatched, starts it again, and checks on an external
// sandbox (whose ledger outlives both daemons) that the batch completes
// with every payment executed exactly once.
func TestDaemonRestartMidDispatchPaysOnce(t *testing.T) {
	dir := t.TempDir()
	sb := startChild(t, "sandbox", dir, nil, "sandbox", "--listen", "127.0.0.1:0", "--settle-delay", "1s")
	urlRE := regexp.MustCompile(`PAYBATCH_SANDBOX_URL=(http://\S+)`)
	var base string
	sb.waitFor("sandbox address", func() bool {
		if m := urlRE.FindStringSubmatch(sb.stdout.String()); m != nil {
			base = m[1]
		}
		return base != ""
	})
	env := []string{"PAYBATCH_SANDBOX_URL=" + base}
	// A slow solaris lane keeps the batch in dispatch long enough to be
	// interrupted in the middle.
	cfg := daemonConfig(t, dir, "  solaris:\n    type: solaris\n    concurrency: 8", "  solaris:\n    type: solaris\n    concurrency: 2\n    rate: 6")
	const n = 30
	first := startChild(t, "first daemon", dir, env, "run", "--config", cfg)
	first.waitFor("daemon running", func() bool { return strings.Contains(first.stderr.String(), `msg="daemon running"`) })
	daemonTestWrite(t, filepath.Join(dir, "inbox"), "payouts.csv", payoutCSV(t, "RST", n))

	var id string
	first.waitFor("batch accepted", func() bool { id, _ = first.batchOf("file accepted", "payouts.csv"); return id != "" })
	first.waitFor("dispatch under way", func() bool {
		got := 0
		for _, e := range readDaemonLedger(t, base) {
			if e.BatchID == id {
				got++
			}
		}
		return got >= 3
	})
	final := filepath.Join(dir, "outbox", id+".final.pain002.xml")
	if code := first.stop(); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	if daemonTestExists(final) {
		t.Log("the batch finished before the signal; the restart then only proves nothing is resent")
	}

	second := startChild(t, "second daemon", dir, env, "run", "--config", cfg)
	second.waitFor("final report after restart", func() bool { return daemonTestExists(final) })
	if code := second.stop(); code != 0 {
		t.Errorf("second daemon exit code %d, want 0", code)
	}
	if xml := daemonTestRead(t, final); !strings.Contains(xml, "ACSC") {
		t.Errorf("final report is not ACSC:\n%s", xml)
	}

	keys := map[string]int{}
	e2e := map[string]int{}
	for _, e := range readDaemonLedger(t, base) {
		keys[e.Provider+"/"+e.Key]++
		if e.BatchID == id {
			e2e[e.EndToEndID]++
		}
	}
	for k, c := range keys {
		if c > 1 {
			t.Errorf("idempotency key %s executed %d times", k, c)
		}
	}
	for i := 1; i <= n; i++ {
		if c := e2e[fmt.Sprintf("RST-%03d", i)]; c != 1 {
			t.Errorf("payment RST-%03d executed %d times, want exactly once", i, c)
		}
	}
	if len(e2e) != n {
		t.Errorf("%d distinct payments in the ledger for the batch, want %d", len(e2e), n)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "inbox", "processing")); len(entries) != 0 {
		t.Errorf("processing/ not empty: %v", entries)
	}
}
