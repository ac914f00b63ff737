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

// TestDaemonIngestErrorRetried: an I/O failure while ingesting is not a
// verdict on the file. It stays in processing/ (never failed/), is retried
// with backoff, and goes through once the fault is gone.
func TestDaemonIngestErrorRetried(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig(t, dir)
	d := startChild(t, "daemon", dir, nil, "run", "--config", cfg)
	d.waitFor("daemon running", func() bool { return strings.Contains(d.stderr.String(), `msg="daemon running"`) })

	// The pipeline keeps a copy of every input under data/files; a plain
	// file in its place makes that copy fail, as a full or broken disk would.
	files := filepath.Join(dir, "data", "files")
	if err := os.RemoveAll(files); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	inbox := filepath.Join(dir, "inbox")
	daemonTestWrite(t, inbox, "retry.csv", payoutCSV(t, "RTY", 2))
	d.waitFor("ingest failure logged", func() bool {
		return strings.Contains(d.stderr.String(), `msg="file not processed; it stays in processing/ and is retried" source=local file=retry.csv`)
	})
	if !daemonTestExists(filepath.Join(inbox, "processing", "retry.csv")) {
		t.Error("the file is not in processing/ after an ingest error")
	}
	if daemonTestExists(filepath.Join(inbox, "failed", "retry.csv")) {
		t.Error("an ingest error moved the file to failed/")
	}

	if err := os.Remove(files); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(files, 0o750); err != nil {
		t.Fatal(err)
	}
	var id string
	d.waitFor("file accepted after the fault", func() bool { id, _ = d.batchOf("file accepted", "retry.csv"); return id != "" })
	d.waitFor("final report", func() bool { return daemonTestExists(filepath.Join(dir, "outbox", id+".final.pain002.xml")) })
	if code := d.stop(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}

// TestDaemonRecoversProcessing: a file a crashed daemon left in processing/
// is taken up again at the next start.
func TestDaemonRecoversProcessing(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig(t, dir, `listen: "off"`, "listen: 127.0.0.1:0")
	daemonTestWrite(t, filepath.Join(dir, "inbox", "processing"), "left.csv", payoutCSV(t, "LFT", 2))
	d := startChild(t, "daemon", dir, nil, "run", "--config", cfg)
	// The HTTP server comes up on the configured address and says where.
	addrRE := regexp.MustCompile(`HTTP on (http://\S+)`)
	var base string
	d.waitFor("HTTP address", func() bool {
		if m := addrRE.FindStringSubmatch(d.stdout.String()); m != nil {
			base = m[1]
		}
		return base != ""
	})
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %s", resp.Status)
	}
	var id string
	d.waitFor("recovered file accepted", func() bool { id, _ = d.batchOf("file accepted", "left.csv"); return id != "" })
	if !strings.Contains(d.stderr.String(), "file=left.csv batch="+id+" format=csv recovered=true") {
		t.Error("the file was not handled as recovered")
	}
	d.waitFor("final report", func() bool { return daemonTestExists(filepath.Join(dir, "outbox", id+".final.pain002.xml")) })
	// The daemon counts the file it took in /metrics.
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metricsText), `paybatch_files_total{outcome="accepted"} 1`) {
		t.Errorf("/metrics does not count the accepted file:\n%s", metricsText)
	}
	if code := d.stop(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}
