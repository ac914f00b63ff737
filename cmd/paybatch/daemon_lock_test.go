package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/paybatch/paybatch/batch/store"
)

// TestDaemonSecondInstanceRefused: two daemons on one database would both
// dispatch the same batches; the second must refuse to start, say who
// holds the database, and exit 2.
func TestDaemonSecondInstanceRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig(t, dir)
	first := startChild(t, "first daemon", dir, nil, "run", "--config", cfg)
	first.waitFor("daemon running", func() bool { return strings.Contains(first.stderr.String(), `msg="daemon running"`) })

	second := startChild(t, "second daemon", dir, nil, "run", "--config", cfg)
	if code := second.wait(); code != exitUsage {
		t.Fatalf("second daemon exit code %d, want %d", code, exitUsage)
	}
	host, _ := os.Hostname()
	holder := host + ":" + strconv.Itoa(first.cmd.Process.Pid)
	if msg := second.stderr.String(); !strings.Contains(msg, "locked by "+holder) {
		t.Errorf("refusal does not name the holder %s:\n%s", holder, msg)
	}
	if code := first.stop(); code != 0 {
		t.Errorf("first daemon exit code %d, want 0", code)
	}
	// Released on a clean stop: the next daemon starts at once.
	third := startChild(t, "third daemon", dir, nil, "run", "--config", cfg)
	third.waitFor("daemon running", func() bool { return strings.Contains(third.stderr.String(), `msg="daemon running"`) })
	if code := third.stop(); code != 0 {
		t.Errorf("third daemon exit code %d, want 0", code)
	}
}

// TestLeaseAfterKill: a daemon killed with SIGKILL leaves its lease in the
// database, unexpired. The kernel freed its OS lock, which proves it gone,
// so a paybatch started right after takes the lease over at once instead
// of refusing or waiting 30 s; and a `process` run beside a live daemon is
// refused like a second daemon, naming it.
func TestLeaseAfterKill(t *testing.T) {
	dir := t.TempDir()
	cfg := daemonConfig(t, dir)
	first := startChild(t, "daemon to kill", dir, nil, "run", "--config", cfg)
	first.waitFor("daemon running", func() bool { return strings.Contains(first.stderr.String(), `msg="daemon running"`) })

	file := filepath.Join(dir, "pay.csv")
	if err := os.WriteFile(file, payoutCSV(t, "LSE", 2), 0o600); err != nil {
		t.Fatal(err)
	}
	beside := startChild(t, "process beside the daemon", dir, nil, "process", "--config", cfg, file)
	if code := beside.wait(); code != exitUsage {
		t.Fatalf("process beside a daemon: exit code %d, want %d", code, exitUsage)
	}
	host, _ := os.Hostname()
	holder := host + ":" + strconv.Itoa(first.cmd.Process.Pid)
	if msg := beside.stderr.String(); !strings.Contains(msg, "locked by "+holder) || strings.Contains(beside.stdout.String(), "LSE-001") {
		t.Errorf("process beside the daemon was not refused naming %s:\n%s", holder, msg)
	}

	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.wait()
	after := startChild(t, "process after the kill", dir, nil, "process", "--config", cfg, "--timeout", "60s", file)
	if code := after.wait(); code != exitOK {
		t.Fatalf("process after the daemon was killed: exit code %d, want 0", code)
	}
	if msg := after.stderr.String(); !strings.Contains(msg, "taking over the lease") || !strings.Contains(msg, "holder="+holder) {
		t.Errorf("the killed daemon's lease was not taken over:\n%s", msg)
	}
}

// Within one process too, the OS lock refuses a second holder, and the
// store names the first.
func TestLeaseRefusesSecondHolder(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "paybatch.db")
	open := func() *store.Store {
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	first, err := takeLease(ctx, open(), db, log)
	if err != nil {
		t.Fatal(err)
	}
	_, err = takeLease(ctx, open(), db, log)
	var le *store.LockedError
	if !errors.As(err, &le) || le.Holder != lockOwner() {
		t.Fatalf("second lease: %v, want a LockedError naming %s", err, lockOwner())
	}
	first.release(ctx)
	again, err := takeLease(ctx, open(), db, log)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.release(ctx)
}
