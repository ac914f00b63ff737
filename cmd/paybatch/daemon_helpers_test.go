package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/samples"
)

// daemonChildEnv makes the test binary act as the paybatch binary: the daemon
// tests re-execute themselves (os.Executable) instead of running `go
// build`, which is slow on a shared machine, and without a TestMain that
// another test file of this package might also want.
const daemonChildEnv = "PAYBATCH_DAEMON_TEST_CHILD"

func init() {
	if os.Getenv(daemonChildEnv) != "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// daemonWaitLong is the deadline for anything the tests wait for: generous, as
// the machine is shared; tests poll for conditions, never assert durations.
const daemonWaitLong = 90 * time.Second

// daemonChild is a paybatch child process.
type daemonChild struct {
	t              *testing.T
	name           string
	cmd            *exec.Cmd
	stdout, stderr *batchtest.Buffer
	done           chan struct{}
	code           int
}

// startPaybatch runs `paybatch args...` in dir with extra environment.
func startChild(t *testing.T, name, dir string, env []string, args ...string) *daemonChild {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &daemonChild{t: t, name: name, stdout: &batchtest.Buffer{}, stderr: &batchtest.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(exe, args...)
	p.cmd.Dir = dir
	base := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYBATCH_") {
			base = append(base, kv)
		}
	}
	p.cmd.Env = append(append(base, daemonChildEnv+"=1"), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s stdout:\n%s", p.name, p.stdout.String())
			t.Logf("%s stderr (last 60 lines):\n%s", p.name, daemonTestTail(p.stderr.String(), 60))
		}
	})
	return p
}

func daemonTestTail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// wait waits for the process to exit and returns its exit code.
func (p *daemonChild) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(daemonWaitLong):
		p.t.Fatalf("%s did not exit", p.name)
		return -1
	}
}

// stop sends SIGTERM and returns the exit code.
func (p *daemonChild) stop() int {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("signal %s: %v", p.name, err)
	}
	return p.wait()
}

// waitFor polls cond until it holds, failing the test at the deadline or
// when the process exits first.
func (p *daemonChild) waitFor(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(daemonWaitLong)
	for !cond() {
		select {
		case <-p.done:
			if cond() {
				return
			}
			p.t.Fatalf("%s exited (code %d) while waiting for %s", p.name, p.code, what)
		default:
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: timed out waiting for %s", p.name, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logLine finds the first text-format log line with msg and file=name,
// and returns its batch attribute.
func (p *daemonChild) batchOf(msg, file string) (string, bool) {
	re := regexp.MustCompile(`msg="` + regexp.QuoteMeta(msg) + `".* file=` + regexp.QuoteMeta(file) + ` .*batch=(B[0-9A-Za-z-]+)`)
	m := re.FindStringSubmatch(p.stderr.String())
	if m == nil {
		return "", false
	}
	return m[1], true
}

// daemonConfig is the demo config with its paths moved into dir, HTTP off,
// quick settling and quick intake; edits are applied on top. Every
// replacement must match, so a changed demo config fails here loudly
// instead of silently testing something else.
func daemonConfig(t *testing.T, dir string, edits ...string) string {
	t.Helper()
	cfg := string(samples.DemoConfig())
	repl := []string{
		"data_dir: paybatch-data ", "data_dir: " + filepath.Join(dir, "data") + " ",
		"database: paybatch-data/paybatch.db", "database: " + filepath.Join(dir, "data", "paybatch.db"),
		"listen: 127.0.0.1:8787", "listen: \"off\"",
		"settle_delay: 2s", "settle_delay: 300ms",
		"path: paybatch-data/inbox", "path: " + filepath.Join(dir, "inbox"),
		"outbox: paybatch-data/outbox", "outbox: " + filepath.Join(dir, "outbox"),
		"min_age: 1s ", "min_age: 300ms ",
		"rescan: 2s", "rescan: 200ms",
		"poll_min: 500ms", "poll_min: 200ms",
		"poll_max: 30s", "poll_max: 1s",
	}
	repl = append(repl, edits...)
	for i := 0; i < len(repl); i += 2 {
		if !strings.Contains(cfg, repl[i]) {
			t.Fatalf("demo config has no %q any more; update daemonConfig", repl[i])
		}
		cfg = strings.Replace(cfg, repl[i], repl[i+1], 1)
	}
	p := filepath.Join(dir, "paybatch.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// creditor is a name, IBAN and BIC that pass validation and Verification
// of Payee in the sandbox, taken from the payroll sample.
type creditor struct{ name, iban, bic string }

func sampleCreditors(t *testing.T) []creditor {
	t.Helper()
	f, err := os.Open("../../samples/payroll.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma, r.FieldsPerRecord = ';', -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []creditor
	for _, rec := range recs {
		// SAL-2603-0xx lines are the valid ones; 9xx lines are the
		// sample's deliberate mistakes and magic cents.
		if len(rec) > 3 && strings.HasPrefix(rec[0], "SAL-2603-0") {
			out = append(out, creditor{rec[1], rec[2], rec[3]})
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d creditors in samples/payroll.csv", len(out))
	}
	return out
}

// payoutCSV is a template-format CSV of n payments that all settle in the
// sandbox: whole euros, so no magic cents (.51-.55).
func payoutCSV(t *testing.T, prefix string, n int) []byte {
	t.Helper()
	cs := sampleCreditors(t)
	var b strings.Builder
	b.WriteString("end_to_end_id,amount,currency,creditor_name,creditor_iban,creditor_bic,remittance_info\n")
	for i := range n {
		c := cs[i%len(cs)]
		fmt.Fprintf(&b, "%s-%03d,%d.00,EUR,%s,%s,%s,Invoice %s-%03d\n", prefix, i+1, 10+i, c.name, c.iban, c.bic, prefix, i+1)
	}
	return []byte(b.String())
}

// writeAtomic puts a file into an inbox the way a careful producer does.
func daemonTestWrite(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func daemonTestExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func daemonTestRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func regexpContains(s, expr string) bool { return regexp.MustCompile(expr).MatchString(s) }

// demoConfigForTest is samples/paybatch.yaml with HTTP off and quick
// settling, paths untouched.
func demoConfigForTest(t *testing.T) []byte {
	t.Helper()
	cfg := string(samples.DemoConfig())
	for _, r := range [][2]string{{"listen: 127.0.0.1:8787", "listen: 127.0.0.1:0"}, {"settle_delay: 2s", "settle_delay: 300ms"}} {
		if !strings.Contains(cfg, r[0]) {
			t.Fatalf("demo config has no %q any more", r[0])
		}
		cfg = strings.Replace(cfg, r[0], r[1], 1)
	}
	return []byte(cfg)
}
