package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDaemonDemo is `make run` on a fresh clone: `paybatch run --demo`
// drops the samples, says where the inbox and the reports are, and the
// batches go through. The demo config is used as shipped except for the
// HTTP port (other tests and programs may hold 8787) and a shorter settle
// delay; its relative paths land in the test's working directory.
func TestDaemonDemo(t *testing.T) {
	dir := t.TempDir()
	cfg := string(demoConfigForTest(t))
	if err := os.WriteFile(filepath.Join(dir, "paybatch.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startChild(t, "demo daemon", dir, nil, "run", "--demo", "--config", "paybatch.yaml")
	inbox, outbox := filepath.Join(dir, "paybatch-data", "inbox"), filepath.Join(dir, "paybatch-data", "outbox")
	d.waitFor("start-up message", func() bool { return strings.Contains(d.stdout.String(), "running; stop with") })
	out := d.stdout.String()
	for _, want := range []string{inbox, outbox, "SANDBOX", "demo: dropped"} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up message lacks %q:\n%s", want, out)
		}
	}
	// Every sample is acknowledged. The payroll samples hold a .54 line
	// that the sandbox keeps pending forever, so only the others reach a
	// final report.
	finishes := map[string]bool{
		"payroll.csv":                           false,
		"payroll.pain.001.001.03.xml":           false,
		"supplier-payments.pain.001.001.09.xml": true,
		"suppliers.xlsx":                        true,
	}
	for file, final := range finishes {
		var id string
		d.waitFor(file+" accepted", func() bool { id, _ = d.batchOf("file accepted", file); return id != "" })
		d.waitFor(file+" acknowledged", func() bool { return daemonTestExists(filepath.Join(outbox, id+".ack.pain002.xml")) })
		if final {
			d.waitFor(file+" final report", func() bool { return daemonTestExists(filepath.Join(outbox, id+".final.pain002.xml")) })
		}
	}
	// The daemon pointed the sandboxes' webhooks at its own HTTP server,
	// and they arrived signed and moved payments on.
	m := regexp.MustCompile(`HTTP on (http://\S+)`).FindStringSubmatch(d.stdout.String())
	if m == nil {
		t.Fatalf("no HTTP address in the start-up message:\n%s", d.stdout.String())
	}
	d.waitFor("webhooks received", func() bool {
		resp, err := http.Get(m[1] + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return regexp.MustCompile(`paybatch_webhooks_total\{provider="\w+",result="refreshed"\} [1-9]`).Match(text)
	})
	if code := d.stop(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	// A second `make run` does not drop the samples again as duplicates.
	again := startChild(t, "demo daemon again", dir, nil, "run", "--demo", "--config", "paybatch.yaml")
	again.waitFor("start-up message", func() bool { return strings.Contains(again.stdout.String(), "running; stop with") })
	if out := again.stdout.String(); strings.Contains(out, "demo: dropped") || !strings.Contains(out, "already processed") {
		t.Errorf("second demo run re-dropped samples:\n%s", out)
	}
	if code := again.stop(); code != 0 {
		t.Errorf("second run exit code %d, want 0", code)
	}
	if entries, _ := os.ReadDir(filepath.Join(inbox, "failed")); len(entries) != 0 {
		t.Errorf("failed/ is not empty after the demo: %v", entries)
	}
}
