package folder_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/folder"
	"github.com/paybatch/paybatch/batch/intake/intaketest"
)

// watch runs intake.Watch until the test ends and returns what it handled.
func watch(t *testing.T, src intake.Source, interval time.Duration) func() []*intake.Claimed {
	t.Helper()
	var mu sync.Mutex
	var got []*intake.Claimed
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		intake.Watch(ctx, src, interval, func(_ context.Context, f *intake.Claimed) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, f)
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return func() []*intake.Claimed {
		mu.Lock()
		defer mu.Unlock()
		return append([]*intake.Claimed(nil), got...)
	}
}

func waitHandled(t *testing.T, handled func() []*intake.Claimed, n int) []*intake.Claimed {
	t.Helper()
	deadline := time.Now().Add(intaketest.Deadline)
	for {
		if got := handled(); len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("handled %d files, want %d", len(handled()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFsnotifyPicksUpWithoutPolling(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, MinAge: 20 * time.Millisecond})
	// An interval far beyond the test deadline: only events can find the file.
	handled := watch(t, src, time.Hour)
	intaketest.WriteFile(t, dir, "fast.csv", "x")
	if got := waitHandled(t, handled, 1); got[0].Name != "fast.csv" {
		t.Fatalf("handled %+v", got)
	}
}

func TestRescanAloneFindsFiles(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, MinAge: 20 * time.Millisecond})
	handled := watch(t, src, 20*time.Millisecond)
	intaketest.WriteFile(t, dir, "slow.csv", "x")
	if got := waitHandled(t, handled, 1); got[0].Name != "slow.csv" {
		t.Fatalf("handled %+v", got)
	}
}

func TestCrashRecoveryFromProcessing(t *testing.T) {
	dir := t.TempDir()
	// What a crash between Claim and Finish leaves behind.
	if err := os.MkdirAll(filepath.Join(dir, folder.ProcessingDir), 0o750); err != nil {
		t.Fatal(err)
	}
	intaketest.WriteFile(t, filepath.Join(dir, folder.ProcessingDir), "halfway.csv", "data")
	intaketest.WriteFile(t, dir, "new.csv", "x")
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, MinAge: 20 * time.Millisecond})
	got := waitHandled(t, watch(t, src, 20*time.Millisecond), 2)
	if got[0].Name != "halfway.csv" || !got[0].Recovered {
		t.Fatalf("first handled %+v; want the recovered file before anything new", got[0])
	}
	if got[1].Name != "new.csv" || got[1].Recovered {
		t.Fatalf("second handled %+v", got[1])
	}
}

func TestSeveralInboxesAndWorkDirRules(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{a, b}, NoWatch: true, MinAge: time.Millisecond})
	intaketest.WriteFile(t, b, "from-b.csv", "x")
	f := intaketest.ClaimWhenReady(t, src, "from-b.csv")
	if filepath.Dir(f.ProcessingPath) != filepath.Join(b, folder.ProcessingDir) {
		t.Fatalf("processing path %s, want under inbox b", f.ProcessingPath)
	}
	if _, err := folder.New(folder.Config{Inboxes: []string{a, b}, WorkDir: t.TempDir()}); err == nil {
		t.Fatal("work dir with two inboxes accepted")
	}
	if _, err := folder.New(folder.Config{}); err == nil {
		t.Fatal("no inbox accepted")
	}
}
