package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockSecondDaemonIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paybatch.db")
	c := &clock{t: t0}
	a := openAt(t, path, c)
	b := openAt(t, path, c)

	if err := a.AcquireLock(ctx, "host-a:101", time.Minute); err != nil {
		t.Fatal(err)
	}
	err := b.AcquireLock(ctx, "host-b:202", time.Minute)
	var le *LockedError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.Holder != "host-a:101" {
		t.Fatalf("second daemon: %v, want ErrLocked naming host-a:101", err)
	}
	if !strings.Contains(err.Error(), "host-a:101") {
		t.Fatalf("message does not name the holder: %v", err)
	}

	// Re-acquiring and renewing one's own lease extends it.
	c.Add(50 * time.Second)
	if err := a.AcquireLock(ctx, "host-a:101", time.Minute); err != nil {
		t.Fatal(err)
	}
	c.Add(50 * time.Second)
	if err := a.RenewLock(ctx, "host-a:101", time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := b.AcquireLock(ctx, "host-b:202", time.Minute); !errors.Is(err, ErrLocked) {
		t.Fatalf("renewed lease taken: %v", err)
	}

	// Once expired, the lease is taken over and the old owner learns it.
	c.Add(61 * time.Second)
	if err := b.AcquireLock(ctx, "host-b:202", time.Minute); err != nil {
		t.Fatalf("expired lease not taken over: %v", err)
	}
	if err := a.RenewLock(ctx, "host-a:101", time.Minute); !errors.As(err, &le) || le.Holder != "host-b:202" {
		t.Fatalf("lost lease renewed: %v", err)
	}
	// Releasing someone else's lease does nothing; one's own frees it.
	if err := a.ReleaseLock(ctx, "host-a:101"); err != nil {
		t.Fatal(err)
	}
	if err := a.AcquireLock(ctx, "host-a:101", time.Minute); !errors.Is(err, ErrLocked) {
		t.Fatalf("lease freed by a non-owner: %v", err)
	}
	if err := b.ReleaseLock(ctx, "host-b:202"); err != nil {
		t.Fatal(err)
	}
	if err := a.AcquireLock(ctx, "host-a:101", time.Minute); err != nil {
		t.Fatalf("released lease not free: %v", err)
	}

	var kinds []string
	rows, err := a.db.QueryContext(ctx, `SELECT kind FROM events WHERE batch_id IS NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	want := "[lock.acquired lock.taken_over lock.released lock.acquired]"
	if got := strings.Join(kinds, " "); "["+got+"]" != want {
		t.Fatalf("lock events %v, want %v", kinds, want)
	}
}

// TakeOverLock hands over an unexpired lease only from the holder named:
// of two callers that both saw the same dead holder, one wins.
func TestTakeOverLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paybatch.db")
	c := &clock{t: t0}
	a := openAt(t, path, c)

	if h, _, err := a.LockHolder(ctx); err != nil || h != "" {
		t.Fatalf("holder of a fresh database: %q, %v", h, err)
	}
	if err := a.AcquireLock(ctx, "host:1", time.Minute); err != nil {
		t.Fatal(err)
	}
	h, exp, err := a.LockHolder(ctx)
	if err != nil || h != "host:1" || !exp.Equal(t0.Add(time.Minute)) {
		t.Fatalf("holder %q until %v, %v", h, exp, err)
	}
	if err := a.TakeOverLock(ctx, "host:2", "host:1", time.Minute, "host:1 is gone"); err != nil {
		t.Fatalf("take over: %v", err)
	}
	var le *LockedError
	if err := a.TakeOverLock(ctx, "host:3", "host:1", time.Minute, "host:1 is gone"); !errors.As(err, &le) || le.Holder != "host:2" {
		t.Fatalf("second take-over from the same holder: %v, want a LockedError naming host:2", err)
	}
	if err := a.RenewLock(ctx, "host:1", time.Minute); !errors.Is(err, ErrLocked) {
		t.Fatalf("old holder renewed: %v", err)
	}
	if err := a.ReleaseLock(ctx, "host:2"); err != nil {
		t.Fatal(err)
	}
	if err := a.TakeOverLock(ctx, "host:3", "host:2", time.Minute, "x"); !errors.Is(err, ErrLocked) {
		t.Fatalf("take-over of a released lease: %v", err)
	}
	var why string
	if err := a.db.GetContext(ctx, &why, `SELECT why FROM events WHERE kind = 'lock.taken_over' ORDER BY id DESC LIMIT 1`); err != nil || why != "host:1 is gone" {
		t.Fatalf("take-over event: %q, %v", why, err)
	}
}
