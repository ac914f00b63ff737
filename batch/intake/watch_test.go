package intake_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/batch/intake"
)

// fakeSource offers each name in files once; down makes Scan fail.
type fakeSource struct {
	name  string
	down  atomic.Bool
	scans atomic.Int32
	mu    sync.Mutex
	files []string
	taken map[string]bool
}

func (f *fakeSource) Name() string { return f.name }
func (f *fakeSource) Scan(context.Context) ([]intake.Candidate, error) {
	f.scans.Add(1)
	if f.down.Load() {
		return nil, fmt.Errorf("dial: %w", intake.ErrUnavailable)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []intake.Candidate
	for _, n := range f.files {
		if !f.taken[n] {
			out = append(out, intake.Candidate{Source: f.name, Name: n, Path: n})
		}
	}
	return out, nil
}
func (f *fakeSource) Claim(_ context.Context, c intake.Candidate) (*intake.Claimed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.taken[c.Name] {
		return nil, intake.ErrAlreadyClaimed
	}
	f.taken[c.Name] = true
	return &intake.Claimed{Candidate: c}, nil
}
func (f *fakeSource) Finish(context.Context, *intake.Claimed, intake.Outcome) error { return nil }
func (f *fakeSource) Outbox() intake.Outbox                                         { return nil }

func TestWatchAllOneSourceDownOthersContinue(t *testing.T) {
	down := &fakeSource{name: "down", taken: map[string]bool{}, files: []string{"late.csv"}}
	down.down.Store(true)
	up := &fakeSource{name: "up", taken: map[string]bool{}, files: []string{"a.csv", "b.csv"}}
	var mu sync.Mutex
	got := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- intake.WatchAll(ctx, []intake.Source{down, up}, 10*time.Millisecond, func(_ context.Context, c *intake.Claimed) {
			mu.Lock()
			got[c.Source+"/"+c.Name]++
			mu.Unlock()
		})
	}()
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return got["up/a.csv"] == 1 && got["up/b.csv"] == 1 })
	waitUntil(t, func() bool { return down.scans.Load() >= 2 }) // still retrying
	down.down.Store(false)                                      // the server is back
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return got["down/late.csv"] == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("WatchAll: %v", err)
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("%s handled %d times", k, n)
		}
	}
}

func TestWatchRejectsBadInterval(t *testing.T) {
	if err := intake.Watch(context.Background(), &fakeSource{name: "x"}, 0, nil); err == nil {
		t.Fatal("zero interval accepted")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// untrustedSource fails every scan as a server with the wrong host key does.
type untrustedSource struct{ fakeSource }

func (u *untrustedSource) Scan(context.Context) ([]intake.Candidate, error) {
	u.scans.Add(1)
	return nil, fmt.Errorf("connect: %w", intake.ErrUntrusted)
}

// An untrusted source is logged as an error, an unavailable one as a
// warning: only the first needs someone to act.
func TestWatchLogsUntrustedSourceAsError(t *testing.T) {
	var buf batchtest.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)

	bad := &untrustedSource{fakeSource{name: "impostor", taken: map[string]bool{}}}
	down := &fakeSource{name: "down", taken: map[string]bool{}}
	down.down.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- intake.WatchAll(ctx, []intake.Source{bad, down}, 10*time.Millisecond, func(context.Context, *intake.Claimed) {})
	}()
	waitUntil(t, func() bool { return bad.scans.Load() > 0 && down.scans.Load() > 0 })
	cancel()
	<-done
	out := buf.String()
	if !regexp.MustCompile(`level=ERROR msg="intake: source failing, backing off" source=impostor`).MatchString(out) {
		t.Errorf("untrusted source not logged as an error:\n%s", out)
	}
	if !regexp.MustCompile(`level=WARN msg="intake: source failing, backing off" source=down`).MatchString(out) {
		t.Errorf("unavailable source not logged as a warning:\n%s", out)
	}
}
