package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
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

// A lease held by a process of this host that is gone is waited out rather
// than refused; anything else is another daemon's and refused.
func TestDeadLocalHolder(t *testing.T) {
	host, _ := os.Hostname()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skipf("no true(1): %v", err)
	}
	for holder, want := range map[string]bool{
		host + ":" + strconv.Itoa(os.Getpid()):        false, // alive: this test
		host + ":" + strconv.Itoa(gone.Process.Pid):   true,
		"elsewhere:" + strconv.Itoa(gone.Process.Pid): false, // cannot check another host
		host + ":not-a-pid":                           false,
		host:                                          false,
		host + ":0":                                   false,
	} {
		if got := deadLocalHolder(holder); got != want {
			t.Errorf("deadLocalHolder(%q) = %v, want %v", holder, got, want)
		}
	}
}
