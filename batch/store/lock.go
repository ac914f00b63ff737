package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// lockName is the one lease paybatch takes today: the right to run the
// daemon (dispatch, intake) against this database. The table is keyed by
// name so that finer leases can follow without a migration.
const lockName = "daemon"

// ErrLocked is returned when another owner holds the lease; errors.As
// finds a *LockedError naming it.
var ErrLocked = errors.New("store: database is locked by another paybatch")

// LockedError names the current holder of the lease.
type LockedError struct {
	Holder  string
	Expires time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("database is locked by %s until %s (another paybatch is running on it; stop it or wait for its lease to expire)",
		e.Holder, e.Expires.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// AcquireLock takes the daemon lease for owner (e.g. "host:pid") for ttl,
// or returns a *LockedError when someone else holds an unexpired one. A
// lease past its expiry is taken over, with an event naming the previous
// holder. Acquiring a lease one already holds renews it. The lease is a row,
// not an OS file lock, so it works the same on a shared PostgreSQL later.
func (s *Store) AcquireLock(ctx context.Context, owner string, ttl time.Duration) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowUTC()
		var cur struct {
			Owner   string `db:"owner"`
			Expires dbTime `db:"expires_at"`
		}
		err := tx.GetContext(ctx, &cur, s.rebind(`SELECT owner, expires_at FROM daemon_lock WHERE name = ?`), lockName)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO daemon_lock (name, owner, acquired_at, expires_at)
				VALUES (?, ?, ?, ?)`), lockName, owner, fmtTime(now), fmtTime(now.Add(ttl))); err != nil {
				return err
			}
			return s.appendEvent(ctx, tx, Event{Kind: KindLockAcquired, To: owner})
		case err != nil:
			return err
		case cur.Owner != owner && cur.Expires.After(now):
			return &LockedError{Holder: cur.Owner, Expires: cur.Expires.Time}
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE daemon_lock SET owner = ?, acquired_at = ?, expires_at = ?
			WHERE name = ?`), owner, fmtTime(now), fmtTime(now.Add(ttl)), lockName); err != nil {
			return err
		}
		if cur.Owner != owner {
			return s.appendEvent(ctx, tx, Event{Kind: KindLockTakenOver, From: cur.Owner, To: owner,
				Why: "previous lease expired at " + fmtTime(cur.Expires.Time)})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("acquire lock for %s: %w", owner, err)
	}
	return nil
}

// RenewLock extends owner's lease by ttl from now. It fails with a
// *LockedError when the lease was lost (expired and taken over), in which
// case the caller must stop working at once.
func (s *Store) RenewLock(ctx context.Context, owner string, ttl time.Duration) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowUTC()
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE daemon_lock SET expires_at = ? WHERE name = ? AND owner = ?`),
			fmtTime(now.Add(ttl)), lockName, owner)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			return nil
		}
		var cur struct {
			Owner   string `db:"owner"`
			Expires dbTime `db:"expires_at"`
		}
		err = tx.GetContext(ctx, &cur, s.rebind(`SELECT owner, expires_at FROM daemon_lock WHERE name = ?`), lockName)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("lease is not held by anyone: %w", ErrLocked)
		}
		if err != nil {
			return err
		}
		return &LockedError{Holder: cur.Owner, Expires: cur.Expires.Time}
	})
	if err != nil {
		return fmt.Errorf("renew lock for %s: %w", owner, err)
	}
	return nil
}

// ReleaseLock gives owner's lease up; releasing a lease one does not hold
// is a no-op, so shutdown paths can call it unconditionally.
func (s *Store) ReleaseLock(ctx context.Context, owner string) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, s.rebind(`DELETE FROM daemon_lock WHERE name = ? AND owner = ?`), lockName, owner)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return s.appendEvent(ctx, tx, Event{Kind: KindLockReleased, From: owner})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("release lock for %s: %w", owner, err)
	}
	return nil
}

// LockHolder returns who holds the lease and until when, or "" when nobody
// has ever taken it or it was released.
func (s *Store) LockHolder(ctx context.Context) (holder string, expires time.Time, err error) {
	var cur struct {
		Owner   string `db:"owner"`
		Expires dbTime `db:"expires_at"`
	}
	err = s.db.GetContext(ctx, &cur, s.rebind(`SELECT owner, expires_at FROM daemon_lock WHERE name = ?`), lockName)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, fmt.Errorf("read lock holder: %w", err)
	}
	return cur.Owner, cur.Expires.Time, nil
}

// TakeOverLock gives owner the lease that from holds, expired or not, for
// ttl. It is for a caller that has proved from is gone (see
// cmd/paybatch's OS lock): it changes nothing and returns a *LockedError
// when the lease is no longer from's, so two callers cannot both take it.
// The event names the previous holder and why.
func (s *Store) TakeOverLock(ctx context.Context, owner, from string, ttl time.Duration, why string) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		now := s.nowUTC()
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE daemon_lock SET owner = ?, acquired_at = ?, expires_at = ?
			WHERE name = ? AND owner = ?`), owner, fmtTime(now), fmtTime(now.Add(ttl)), lockName, from)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var cur struct {
				Owner   string `db:"owner"`
				Expires dbTime `db:"expires_at"`
			}
			err := tx.GetContext(ctx, &cur, s.rebind(`SELECT owner, expires_at FROM daemon_lock WHERE name = ?`), lockName)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("lease of %s is gone: %w", from, ErrLocked)
			}
			if err != nil {
				return err
			}
			return &LockedError{Holder: cur.Owner, Expires: cur.Expires.Time}
		}
		return s.appendEvent(ctx, tx, Event{Kind: KindLockTakenOver, From: from, To: owner, Why: why})
	})
	if err != nil {
		return fmt.Errorf("take over lock from %s for %s: %w", from, owner, err)
	}
	return nil
}
