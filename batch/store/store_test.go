package store

import (
	"context"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// clock is the injected Now: tests move it explicitly.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func openAt(t testing.TB, path string, c *clock) *Store {
	t.Helper()
	s, err := Open(context.Background(), path, Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newStore(t testing.TB) (*Store, *clock) {
	c := &clock{t: t0}
	return openAt(t, filepath.Join(t.TempDir(), "paybatch.db"), c), c
}

func TestOpenMigratesOnceAndSetsPragmas(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "paybatch.db")
	c := &clock{t: t0}
	s := openAt(t, path, c)
	s.Close()
	s = openAt(t, path, c) // reopening must not re-apply anything

	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	if n != len(files) {
		t.Fatalf("schema_migrations has %d rows, want %d", n, len(files))
	}
	var mode string
	var fk, sync int
	if err := s.db.GetContext(ctx, &mode, `PRAGMA journal_mode`); err != nil {
		t.Fatal(err)
	}
	if err := s.db.GetContext(ctx, &fk, `PRAGMA foreign_keys`); err != nil {
		t.Fatal(err)
	}
	if err := s.db.GetContext(ctx, &sync, `PRAGMA synchronous`); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || sync != 1 {
		t.Fatalf("journal_mode=%s foreign_keys=%d synchronous=%d, want wal 1 1(NORMAL)", mode, fk, sync)
	}
}

func TestForeignKeysEnforced(t *testing.T) {
	s, _ := newStore(t)
	p := &batch.Payment{Index: 1, Amount: batch.Amount{Minor: 1, Currency: "EUR"}}
	err := s.AddPayments(context.Background(), "no-such-batch", []*batch.Dispatch{{Payment: p}})
	if err == nil {
		t.Fatal("payment of a missing batch was stored")
	}
}
