package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // the "sqlite" driver, pure Go
)

// ErrNotFound is returned when a batch or payment does not exist.
var ErrNotFound = errors.New("store: not found")

// Options configure a Store.
type Options struct {
	// Now is the clock; tests inject a fixed one. Defaults to time.Now.
	Now func() time.Time
	// BusyTimeout is how long a write waits for another connection or
	// process to finish its transaction. Defaults to 5s.
	BusyTimeout time.Duration
}

// maxIdleConns is how many idle connections the pool keeps open.
const maxIdleConns = 8

// Store is paybatch's SQLite database.
type Store struct {
	db  *sqlx.DB
	now func() time.Time
	// wlock admits one write transaction of this process at a time. In
	// process, writers queue here and are handed the lock the moment it is
	// free; without it they meet in SQLite's busy handler, which sleeps
	// 1, 2, 5, 10 ... 100 ms between tries, so a transition that collides
	// with another one waits milliseconds for a lock held for a fraction of
	// one. Other processes on the same file still queue on busy_timeout.
	wlock chan struct{}
	// gc commits concurrent Transitions together (group_commit.go).
	gc *groupCommit
}

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	// sqlx only knows "sqlite3" as a ?-bindvar driver; teach it the pure-Go
	// driver's name so that Rebind stays meaningful if the SQL ever changes
	// bindvar style.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)

	// The pragmas go into the DSN because foreign_keys and busy_timeout are
	// per connection: the pool opens connections lazily. _txlock=immediate
	// takes the write lock at BEGIN, so two writers queue on busy_timeout
	// instead of one failing with SQLITE_BUSY when it upgrades a read.
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()

	db, err := sqlx.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// database/sql keeps 2 idle connections by default: with the writer,
	// the engine's Due and status reads at once, the others were closed
	// and reopened (file, pragmas, schema) all the time.
	db.SetMaxIdleConns(maxIdleConns)
	s := &Store{db: db, now: opts.Now, wlock: make(chan struct{}, 1)}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.gc = startGroupCommit(s)
	return s, nil
}

// Close waits for the transitions already handed to the group commit to be
// committed, then closes the database. It must be called once.
func (s *Store) Close() error {
	if s.gc != nil {
		s.gc.close()
	}
	return s.db.Close()
}

// lockWrites takes the process's write lock (see Store.wlock).
func (s *Store) lockWrites(ctx context.Context) error {
	select {
	case s.wlock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) unlockWrites() { <-s.wlock }

// inTx runs fn in a transaction, committing when it returns nil. It holds
// the process's write lock throughout.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if err := s.lockWrites(ctx); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer s.unlockWrites()
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rebind adapts ? placeholders to the driver's bindvar style.
func (s *Store) rebind(q string) string { return s.db.Rebind(q) }

// nowUTC is the injected clock's time, in UTC, as stored.
func (s *Store) nowUTC() time.Time { return s.now().UTC() }
