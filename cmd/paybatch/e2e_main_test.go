package main

// Helpers for the end-to-end tests: the paybatch binary is built once in
// TestMain and run as a subprocess, against an external `paybatch sandbox`
// subprocess whose ledger the tests read over HTTP.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pbBin is the paybatch binary built by TestMain.
var pbBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "paybatch-e2e-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 2
	}
	defer os.RemoveAll(dir)
	pbBin = filepath.Join(dir, "paybatch")
	cmd := exec.Command("go", "build", "-o", pbBin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build:", err)
		return 2
	}
	return m.Run()
}

// extSandbox is a `paybatch sandbox` subprocess.
type extSandbox struct {
	URL string
}

// startSandboxProc starts `paybatch sandbox` on a free loopback port and
// waits until it answers. It is stopped when the test ends.
func startSandboxProc(tb testing.TB, settle time.Duration) *extSandbox {
	tb.Helper()
	cmd := exec.Command(pbBin, "sandbox", "--listen", "127.0.0.1:0", "--settle-delay", settle.String())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "PAYBATCH_SANDBOX_URL="); i >= 0 && !sent {
				urlc <- strings.Fields(line[i+len("PAYBATCH_SANDBOX_URL="):])[0]
				sent = true
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urlc:
		return &extSandbox{URL: u}
	case <-time.After(60 * time.Second):
		tb.Fatalf("sandbox did not start: %s", stderr.String())
	}
	return nil
}

// ledgerEntry is one row of GET /_sandbox/ledger.
type ledgerEntry struct {
	Provider   string `json:"provider"`
	ID         string `json:"id"`
	IBAN       string `json:"iban"`
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	EndToEndID string `json:"end_to_end_id"`
	BatchID    string `json:"batch_id"`
	Key        string `json:"key"`
	Status     string `json:"status"`
}

func (s *extSandbox) ledger(tb testing.TB) []ledgerEntry {
	tb.Helper()
	resp, err := http.Get(s.URL + "/_sandbox/ledger")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out []ledgerEntry
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("ledger: %v", err)
	}
	return out
}

// fault posts one fault setting to /_sandbox/faults.
func (s *extSandbox) fault(tb testing.TB, f map[string]any) {
	tb.Helper()
	body, _ := json.Marshal(f)
	resp, err := http.Post(s.URL+"/_sandbox/faults", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		tb.Fatalf("faults %s: %d %s", body, resp.StatusCode, b)
	}
}

// e2eConfig is a test config in dir against the sandbox at url (every
// provider type, short dispatch timings so reconciliation happens within a
// test). extra is appended verbatim.
func e2eConfig(tb testing.TB, dir, url, extra string) string {
	tb.Helper()
	cfg := fmt.Sprintf(`data_dir: %[1]s/data
database: %[1]s/data/paybatch.db
log: {format: text, level: warn}
http: {listen: "off"}
sandbox: {enabled: true, url: %[2]q, settle_delay: 0s}
dispatch:
  call_timeout: 2s
  grace: 3s
  review_after: 20s
  poll_min: 50ms
  poll_max: 300ms
providers:
  p100:
    type: p100
    concurrency: 4
    retry: {max_attempts: 5, base_delay: 50ms, max_delay: 500ms}
    options: {api_key: test-key}
  wirex:
    type: wirex
    concurrency: 4
    retry: {max_attempts: 5, base_delay: 50ms, max_delay: 500ms}
    options: {client_id: c, client_secret: s, chain_id: "1", user_address: "0xT", account_id: "acc:det"}
  solaris:
    type: solaris
    concurrency: 4
    retry: {max_attempts: 5, base_delay: 50ms, max_delay: 500ms}
    options: {client_id: c, client_secret: s, account_id: billing-test}
  smoney:
    type: smoney
    concurrency: 4
    retry: {max_attempts: 5, base_delay: 50ms, max_delay: 500ms}
    options: {token: t, partner_domain: test, app_user_id: payer, motif_policy: reject}
default_route: {provider: solaris}
%[3]s`, dir, url, extra)
	path := filepath.Join(dir, "paybatch.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// runResult is one finished paybatch subprocess.
type runResult struct {
	code           int
	stdout, stderr string
}

// runPB runs the binary in dir with args and waits (up to limit).
func runPB(tb testing.TB, dir string, env []string, limit time.Duration, args ...string) runResult {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, pbBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		tb.Fatalf("paybatch %v: %v", args, err)
	}
	if ctx.Err() != nil {
		tb.Fatalf("paybatch %v did not finish within %s\nstderr: %s", args, limit, errb.String())
	}
	return runResult{code: code, stdout: out.String(), stderr: errb.String()}
}

// processJSON is a `process --json` line as the contract spells it.
type processJSON struct {
	File        string   `json:"file"`
	BatchID     string   `json:"batch_id"`
	Format      string   `json:"format"`
	GroupStatus string   `json:"group_status"`
	Payments    int      `json:"payments"`
	Settled     int      `json:"settled"`
	Rejected    int      `json:"rejected"`
	Pending     int      `json:"pending"`
	Reports     []string `json:"reports"`
	Results     []struct {
		Index       int    `json:"index"`
		EndToEndID  string `json:"end_to_end_id"`
		Provider    string `json:"provider"`
		ProviderRef string `json:"provider_ref"`
		Status      string `json:"status"`
		Reason      string `json:"reason"`
	} `json:"results"`
}

// processKeys are the fields of a `process --json` line (DESIGN.md).
var processKeys = []string{"file", "batch_id", "format", "group_status", "payments", "settled", "rejected", "pending", "reports", "results"}
var processResultKeys = []string{"index", "end_to_end_id", "provider", "provider_ref", "status", "reason"}

// decodeProcess parses the JSON lines of `process --json`, checking that
// every contract field is present with the right JSON type.
// processOne runs `paybatch process --json --timeout timeout file` in dir,
// fails the test unless it exits with want, and returns its one JSON line.
func processOne(tb testing.TB, dir, cfg, timeout, file string, want int) processJSON {
	tb.Helper()
	res := runPB(tb, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", timeout, file)
	if res.code != want {
		tb.Fatalf("process %s: exit %d, want %d\nstdout: %s\nstderr: %s", filepath.Base(file), res.code, want, res.stdout, res.stderr)
	}
	outs := decodeProcess(tb, res.stdout)
	if len(outs) != 1 {
		tb.Fatalf("%d JSON lines, want 1:\n%s", len(outs), res.stdout)
	}
	return outs[0]
}

func decodeProcess(tb testing.TB, stdout string) []processJSON {
	tb.Helper()
	var out []processJSON
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			tb.Fatalf("process --json line is not JSON: %v\n%s", err, line)
		}
		types := map[string]string{"file": "string", "batch_id": "string", "format": "string", "group_status": "string",
			"payments": "number", "settled": "number", "rejected": "number", "pending": "number", "reports": "array", "results": "array"}
		for _, k := range processKeys {
			checkJSONType(tb, "process", raw, k, types[k])
		}
		for k := range raw {
			if _, ok := types[k]; !ok && k != "error" {
				tb.Errorf("process JSON has a field the contract does not name: %q", k)
			}
		}
		for _, r := range raw["results"].([]any) {
			m, ok := r.(map[string]any)
			if !ok {
				tb.Fatalf("results entry is not an object: %v", r)
			}
			for _, k := range processResultKeys {
				want := "string"
				if k == "index" {
					want = "number"
				}
				checkJSONType(tb, "process result", m, k, want)
			}
			if len(m) != len(processResultKeys) {
				tb.Errorf("process result has fields beyond the contract's: %v", m)
			}
		}
		var p processJSON
		dec := json.NewDecoder(strings.NewReader(line))
		if err := dec.Decode(&p); err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func checkJSONType(tb testing.TB, what string, m map[string]any, key, want string) {
	tb.Helper()
	v, ok := m[key]
	if !ok {
		tb.Fatalf("%s JSON lacks %q: %v", what, key, m)
	}
	got := "null"
	switch v.(type) {
	case string:
		got = "string"
	case float64:
		got = "number"
	case []any:
		got = "array"
	case map[string]any:
		got = "object"
	case bool:
		got = "bool"
	}
	if got != want {
		tb.Fatalf("%s JSON %q is %s (%v), want %s", what, key, got, v, want)
	}
}

// writeCSV writes a template-header CSV with rows in dir/name.
func writeCSV(tb testing.TB, dir, name string, rows [][]string) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("end_to_end_id,amount,currency,creditor_name,creditor_iban,creditor_bic,remittance_info,provider,external_user_id\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
