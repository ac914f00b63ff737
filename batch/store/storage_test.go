package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// holdWriteLock opens a second, independent connection to the database file
// (as another process would) and takes the write lock until release.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "COMMIT")
		conn.Close()
	}
}

// A write while another connection holds the write lock waits (busy_timeout)
// instead of failing, and succeeds once the lock is released.
func TestStorageBusyWriterWaitsThenSucceeds(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	s, err := Open(ctx, path, Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdWriteLock(t, path)

	done := make(chan error, 1)
	go func() {
		b, infos := sampleBatch("busy")
		done <- s.CreateBatch(ctx, b, infos)
	}()
	// Not a duration assertion: whatever the machine's speed, the write
	// cannot finish while the lock is held; without busy_timeout it would
	// fail at once with SQLITE_BUSY.
	select {
	case err := <-done:
		t.Fatalf("the write finished while another connection held the lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("write after the lock was released: %v", err)
	}
	if _, err := s.FindBySHA256(ctx, "busy"); err != nil {
		t.Fatalf("the batch is not there: %v", err)
	}
}

// When the lock is never released, the write fails with an error (no hang,
// no panic) once busy_timeout runs out, and the store works afterwards.
func TestStorageBusyTimeoutIsAnError(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	s, err := Open(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	release := holdWriteLock(t, path)
	b, infos := sampleBatch("busy-timeout")
	err = s.CreateBatch(ctx, b, infos)
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "lock") {
		t.Fatalf("err = %v, want a locked/busy error", err)
	}
	release()
	b, infos = sampleBatch("busy-timeout")
	if err := s.CreateBatch(ctx, b, infos); err != nil {
		t.Fatalf("after release: %v", err)
	}
}

// A second daemon on the same file is refused with the holder's name even
// while the first is in the middle of a write transaction.
func TestStorageLockedByAnotherDaemon(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	a, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, path, Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.AcquireLock(ctx, "host-a:4242", time.Minute); err != nil {
		t.Fatal(err)
	}
	release := holdWriteLock(t, path)
	go func() { time.Sleep(50 * time.Millisecond); release() }()
	err = b.AcquireLock(ctx, "host-b:1", time.Minute)
	var le *LockedError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || le.Holder != "host-a:4242" || !strings.Contains(err.Error(), "host-a:4242") {
		t.Fatalf("err = %v, want ErrLocked naming host-a:4242", err)
	}
}
