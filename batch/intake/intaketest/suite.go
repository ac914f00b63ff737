package intaketest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
)

// Deadline bounds every wait for a condition; generous for loaded CI.
const Deadline = 20 * time.Second

// Options are what the suite varies between the sources it creates.
type Options struct {
	MinAge   time.Duration
	Now      func() time.Time // clock for archive dates
	Instance string           // identity of a paybatch instance; "" = default
}

// Env is one backend under test. Dir is the inbox as a local directory (for
// SFTP, the directory the test server serves), with the conventional layout
// below it: processing/, archive/YYYY-MM-DD/, failed/ and outbox/.
type Env struct {
	Dir string
	// New returns a fresh Source on Dir. Each call is an independent
	// instance, as a second paybatch process would be.
	New func(t *testing.T, o Options) intake.Source
}

// fixedNow is the suite's clock: archive folders are predictable and a test
// running over midnight cannot flake.
var fixedNow = func() time.Time { return time.Date(2026, 3, 4, 10, 0, 0, 0, time.Local) }

const archiveDay = "2026-03-04"

// RunSourceSuite checks the intake.Source contract. newEnv is called once per
// sub-test with a fresh, empty inbox.
func RunSourceSuite(t *testing.T, newEnv func(t *testing.T) Env) {
	opts := Options{MinAge: 30 * time.Millisecond, Now: fixedNow}
	t.Run("CompleteFileTakenOnce", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, opts)
		WriteFile(t, env.Dir, "pay.csv", "a,b\n1,2\n")
		f := ClaimWhenReady(t, src, "pay.csv")
		if got := readFile(t, f.LocalPath); got != "a,b\n1,2\n" {
			t.Fatalf("staged copy = %q", got)
		}
		if _, err := src.Claim(context.Background(), f.Candidate); !errors.Is(err, intake.ErrAlreadyClaimed) {
			t.Fatalf("second claim: err = %v, want ErrAlreadyClaimed", err)
		}
		for range 3 {
			if c := scan(t, src); len(c) != 0 {
				t.Fatalf("claimed file offered again: %+v", c)
			}
		}
	})
	t.Run("GrowingFileWaitsUntilStable", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, opts)
		WriteFile(t, env.Dir, "big.xml", "<first half>")
		if c := scan(t, src); len(c) != 0 {
			t.Fatalf("file taken on first sight: %+v", c)
		}
		AppendFile(t, env.Dir, "big.xml", "<second half>")
		if c := scan(t, src); len(c) != 0 {
			t.Fatalf("file taken right after it grew: %+v", c)
		}
		f := ClaimWhenReady(t, src, "big.xml")
		if got := readFile(t, f.LocalPath); got != "<first half><second half>" {
			t.Fatalf("staged copy = %q, want the whole file", got)
		}
	})
	t.Run("TemporaryAndLockNamesIgnored", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, opts)
		ignored := []string{"a.csv.part", "b.tmp", "c.xml.filepart", "d.xlsx.crdownload", "~$sheet.xlsx", ".hidden.csv"}
		for _, n := range ignored {
			WriteFile(t, env.Dir, n, "x")
		}
		WriteFile(t, env.Dir, "real.csv", "x")
		f := ClaimWhenReady(t, src, "real.csv")
		_ = f
		for range 2 {
			if c := scan(t, src); len(c) != 0 {
				t.Fatalf("temporary names offered: %+v", c)
			}
		}
		for _, n := range ignored {
			if !Exists(env.Dir, n) {
				t.Errorf("%s was touched", n)
			}
		}
	})
	t.Run("ClaimIsExclusive", func(t *testing.T) {
		env := newEnv(t)
		a := env.New(t, Options{MinAge: opts.MinAge, Now: fixedNow, Instance: "a"})
		b := env.New(t, Options{MinAge: opts.MinAge, Now: fixedNow, Instance: "b"})
		WriteFile(t, env.Dir, "race.csv", "x")
		ca, cb := WaitReady(t, a, "race.csv"), WaitReady(t, b, "race.csv")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Go(func() { _, errs[0] = a.Claim(context.Background(), ca) })
		wg.Go(func() { _, errs[1] = b.Claim(context.Background(), cb) })
		wg.Wait()
		ok, taken := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, intake.ErrAlreadyClaimed):
				taken++
			default:
				t.Errorf("claim: unexpected error %v", err)
			}
		}
		if ok != 1 || taken != 1 {
			t.Fatalf("claims: %d succeeded, %d already claimed; want 1 and 1 (errs %v)", ok, taken, errs)
		}
	})
	t.Run("FinishArchives", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, opts)
		for i, name := range []string{"day.csv", "day.csv"} { // same name twice: never overwrite
			WriteFile(t, env.Dir, name, fmt.Sprint("v", i))
			f := ClaimWhenReady(t, src, name)
			if err := src.Finish(context.Background(), f, intake.Outcome{}); err != nil {
				t.Fatalf("finish: %v", err)
			}
			// A retry (lost reply, crash) must be harmless.
			if err := src.Finish(context.Background(), f, intake.Outcome{}); err != nil {
				t.Fatalf("finish again: %v", err)
			}
		}
		dir := filepath.Join(env.Dir, "archive", archiveDay)
		if got := readFile(t, filepath.Join(dir, "day.csv")) + readFile(t, filepath.Join(dir, "day-2.csv")); got != "v0v1" {
			t.Fatalf("archive holds %q, want v0 then v1", got)
		}
		if Exists(env.Dir, "day.csv") {
			t.Fatal("file still in inbox")
		}
	})
	t.Run("FinishFailedExplains", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, opts)
		WriteFile(t, env.Dir, "bad.xml", "<broken")
		f := ClaimWhenReady(t, src, "bad.xml")
		why := "AM18: NbOfTxs says 3, the file holds 2 payments"
		if err := src.Finish(context.Background(), f, intake.Outcome{Failed: true, Explanation: why}); err != nil {
			t.Fatalf("finish: %v", err)
		}
		if got := readFile(t, filepath.Join(env.Dir, "failed", "bad.xml")); got != "<broken" {
			t.Fatalf("failed/bad.xml = %q", got)
		}
		if got := readFile(t, filepath.Join(env.Dir, "failed", "bad.xml.error.txt")); !strings.Contains(got, why) {
			t.Fatalf("error.txt = %q, want it to contain %q", got, why)
		}
	})
	t.Run("OutboxAtomicNeverOverwrites", func(t *testing.T) {
		env := newEnv(t)
		ob := env.New(t, opts).Outbox()
		ctx := context.Background()
		put := func(body string) string {
			p, err := ob.Put(ctx, "ack.xml", func(w io.Writer) error { _, err := io.WriteString(w, body); return err })
			if err != nil {
				t.Fatalf("put: %v", err)
			}
			return p
		}
		p1, p2 := put("first"), put("second")
		if p1 == p2 || filepath.Base(p1) != "ack.xml" || filepath.Base(p2) != "ack-2.xml" {
			t.Fatalf("paths %q, %q; want ack.xml then ack-2.xml", p1, p2)
		}
		out := filepath.Join(env.Dir, "outbox")
		if readFile(t, filepath.Join(out, "ack.xml")) != "first" || readFile(t, filepath.Join(out, "ack-2.xml")) != "second" {
			t.Fatal("outbox content wrong")
		}
		boom := errors.New("boom")
		if _, err := ob.Put(ctx, "half.xml", func(w io.Writer) error { io.WriteString(w, "half"); return boom }); !errors.Is(err, boom) {
			t.Fatalf("failing writer: err = %v, want it wrapped", err)
		}
		if _, err := ob.Put(ctx, "../escape.xml", func(io.Writer) error { return nil }); !errors.Is(err, intake.ErrUnsafeName) {
			t.Fatalf("unsafe name: err = %v, want ErrUnsafeName", err)
		}
		if got := List(t, out); strings.Join(got, ",") != "ack-2.xml,ack.xml" {
			t.Fatalf("outbox holds %v; want only the two reports (no temp files, no half file)", got)
		}
	})
	t.Run("RecoverAfterCrash", func(t *testing.T) {
		env := newEnv(t)
		src := env.New(t, Options{MinAge: opts.MinAge, Now: fixedNow, Instance: "one"})
		if _, ok := src.(intake.Recoverer); !ok {
			t.Skip("source does not implement Recoverer")
		}
		WriteFile(t, env.Dir, "crash.csv", "data")
		ClaimWhenReady(t, src, "crash.csv") // and then the process "dies"
		again := env.New(t, Options{MinAge: opts.MinAge, Now: fixedNow, Instance: "one"})
		got, err := again.(intake.Recoverer).Recover(context.Background())
		if err != nil {
			t.Fatalf("recover: %v", err)
		}
		if len(got) != 1 || got[0].Name != "crash.csv" || !got[0].Recovered || readFile(t, got[0].LocalPath) != "data" {
			t.Fatalf("recovered %+v; want crash.csv with its data", got)
		}
		if err := again.Finish(context.Background(), got[0], intake.Outcome{}); err != nil {
			t.Fatalf("finish recovered: %v", err)
		}
		if !Exists(env.Dir, filepath.Join("archive", archiveDay, "crash.csv")) {
			t.Fatal("recovered file not archived")
		}
	})
}

// WaitReady scans until name is offered and returns its candidate.
func WaitReady(t testing.TB, src intake.Source, name string) intake.Candidate {
	t.Helper()
	deadline := time.Now().Add(Deadline)
	for time.Now().Before(deadline) {
		for _, c := range scan(t, src) {
			if c.Name == name {
				return c
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s not offered within %v", name, Deadline)
	return intake.Candidate{}
}

// ClaimWhenReady waits until name is offered and claims it.
func ClaimWhenReady(t testing.TB, src intake.Source, name string) *intake.Claimed {
	t.Helper()
	c := WaitReady(t, src, name)
	f, err := src.Claim(context.Background(), c)
	if err != nil {
		t.Fatalf("claim %s: %v", name, err)
	}
	return f
}

func scan(t testing.TB, src intake.Source) []intake.Candidate {
	t.Helper()
	c, err := src.Scan(context.Background())
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return c
}

// WriteFile creates dir/name with data, as a sender would.
func WriteFile(t testing.TB, dir, name, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// AppendFile appends data to dir/name, as a slow upload would.
func AppendFile(t testing.TB, dir, name, data string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
}

// Exists reports whether dir/rel exists (without following symlinks).
func Exists(dir, rel string) bool {
	_, err := os.Lstat(filepath.Join(dir, rel))
	return err == nil
}

// List returns the names in dir, sorted; empty if dir does not exist.
func List(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	return string(bytes.Clone(b))
}
