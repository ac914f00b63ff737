package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/paybatch/paybatch/batch/store"
)

const (
	// lockTTL is how long the lease lasts without renewal: a holder on
	// another host that crashed is taken over this long after its last
	// renewal. (One on this host is taken over at once: see takeLease.)
	lockTTL = 30 * time.Second
	// lockRenew renews well within the TTL, so a slow disk does not lose it.
	lockRenew = 10 * time.Second
)

// lease is this process's right to dispatch from a database: `run` and
// `process` take it, so two of them never work the same batches. It has
// two parts. The store's persisted lease names the holder (host:pid) for
// an operator and for other hosts sharing the database, and expires when
// its holder stops renewing it. The OS lock (flock) on DATABASE.lock is
// freed by the kernel the moment its process dies, however it dies: holding
// it proves no live paybatch of this host holds the lease, so a lease left
// by a killed process of this host is taken over without waiting.
type lease struct {
	st    *store.Store
	owner string
	file  *os.File
	log   *slog.Logger
}

// lockOwner names this process in the lease: host:pid, so an operator
// who is told the database is locked knows which process to look at.
func lockOwner() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	return host + ":" + strconv.Itoa(os.Getpid())
}

// takeLease takes the lease of the database at dbPath or returns an error
// that matches store.ErrLocked and names the holder.
func takeLease(ctx context.Context, st *store.Store, dbPath string, log *slog.Logger) (*lease, error) {
	owner := lockOwner()
	lockPath := dbPath + ".lock"
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", lockPath, err)
		}
		// A live paybatch of this host holds it. Name it from the store
		// (it may be starting and not have written its lease yet).
		holder, expires, herr := st.LockHolder(ctx)
		if herr != nil || holder == "" {
			return nil, fmt.Errorf("database is in use by another paybatch on this host (%s is locked): %w", lockPath, store.ErrLocked)
		}
		return nil, &store.LockedError{Holder: holder, Expires: expires}
	}
	l := &lease{st: st, owner: owner, file: f, log: log}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(owner+"\n"), 0) // for humans: who holds it
	}
	err = st.AcquireLock(ctx, owner, lockTTL)
	var le *store.LockedError
	if errors.As(err, &le) && onThisHost(le.Holder) {
		// Every live paybatch of this host that holds the lease holds the
		// OS lock too, and we have it: the holder is gone.
		log.Warn("taking over the lease of a paybatch of this host that is gone", "holder", le.Holder, "expired", le.Expires.UTC().Format(time.RFC3339))
		err = st.TakeOverLock(ctx, owner, le.Holder, lockTTL, "its process on this host is gone (the OS lock on "+lockPath+" was free)")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	log.Info("lease taken", "owner", owner, "database", dbPath)
	return l, nil
}

// onThisHost reports whether holder ("host:pid") names this host.
func onThisHost(holder string) bool {
	host, _, ok := strings.Cut(holder, ":")
	me, _ := os.Hostname()
	return ok && host != "" && host == me
}

// keep renews the lease until ctx ends. It returns an error only when the
// lease was lost to someone else: then two processes could dispatch the
// same payments, and the caller must stop at once. A failed renewal (a
// busy disk) is retried at the next tick; the TTL leaves room for two.
func (l *lease) keep(ctx context.Context) error {
	t := time.NewTicker(lockRenew)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		err := l.st.RenewLock(ctx, l.owner, lockTTL)
		switch {
		case err == nil:
		case errors.Is(err, store.ErrLocked):
			return err
		case ctx.Err() == nil:
			l.log.Warn("renew lease failed; retrying", "err", err)
		}
	}
}

// release gives the lease back, so the next start does not wait for it,
// and frees the OS lock.
func (l *lease) release(ctx context.Context) {
	if err := l.st.ReleaseLock(context.WithoutCancel(ctx), l.owner); err != nil {
		l.log.Error("release lease", "err", err)
	}
	l.file.Close()
}

// holdLease takes the database's lease for this app, then removes the
// temporary copies an ingest killed mid-copy left behind: only the lease
// holder may, since another process's copies in progress would go too.
func (a *app) holdLease(ctx context.Context) (*lease, error) {
	ls, err := takeLease(ctx, a.store, a.cfg.Database, a.log)
	if err != nil {
		return nil, err
	}
	n, err := a.pipe.RemoveStaging()
	if err != nil {
		a.log.Warn("could not remove copies left by an interrupted ingest", "err", err)
	}
	if n > 0 {
		a.log.Info("removed copies left by an interrupted ingest", "files", n)
	}
	return ls, nil
}
