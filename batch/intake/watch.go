package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// maxBackoff caps the wait between attempts on a source that keeps failing;
// a server back after an outage is noticed within this long.
const maxBackoff = time.Minute

// Watch polls src every interval (sooner when src is a Notifier and signals a
// change), claims every complete file and hands it to handle, one at a time,
// exactly once per claim. handle owns the Claimed file from then on and must
// eventually call src.Finish (the pipeline does so when the batch is final).
//
// At start, files a previous run left in processing/ are handed over first
// (when src is a Recoverer). Errors never stop Watch: a failing source is
// retried with exponential backoff, so a server being down only delays its
// own files. Watch returns nil when ctx is done.
func Watch(ctx context.Context, src Source, interval time.Duration, handle func(context.Context, *Claimed)) error {
	if interval <= 0 {
		return fmt.Errorf("intake: watch %s: poll interval must be positive, got %v", src.Name(), interval)
	}
	log := slog.Default().With("source", src.Name())
	bo := Backoff{Min: min(interval, time.Second), Max: max(interval, maxBackoff)}

	if r, ok := src.(Recoverer); ok {
		for {
			files, err := r.Recover(ctx)
			if err == nil {
				bo.Reset()
				for _, f := range files {
					log.Info("intake: resuming file left in processing", "file", f.Name)
					handle(ctx, f)
				}
				break
			}
			log.Log(ctx, failLevel(err), "intake: recover failed, retrying", "err", err)
			if !sleep(ctx, bo.Next(), nil) {
				return nil
			}
		}
	}

	var changes <-chan struct{}
	if n, ok := src.(Notifier); ok {
		changes = n.Changes()
	}
	for {
		wait := interval
		if err := scanAndClaim(ctx, src, log, handle); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			wait = bo.Next()
			log.Log(ctx, failLevel(err), "intake: source failing, backing off", "err", err, "retry_in", wait.Round(time.Millisecond))
		} else {
			bo.Reset()
		}
		if !sleep(ctx, wait, changes) {
			return nil
		}
	}
}

// failLevel is how loudly a failing source is logged: an outage is a
// warning (it heals by itself), an untrusted server is an error (someone
// has to act).
func failLevel(err error) slog.Level {
	if errors.Is(err, ErrUntrusted) {
		return slog.LevelError
	}
	return slog.LevelWarn
}

// scanAndClaim runs one poll. It returns an error only when the source as a
// whole is failing; a single file that cannot be claimed is logged and left
// for the next poll.
func scanAndClaim(ctx context.Context, src Source, log *slog.Logger, handle func(context.Context, *Claimed)) error {
	cands, err := src.Scan(ctx)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	for _, c := range cands {
		if ctx.Err() != nil {
			return nil
		}
		f, err := src.Claim(ctx, c)
		switch {
		case errors.Is(err, ErrAlreadyClaimed):
			log.Debug("intake: file taken by someone else", "file", c.Name)
		case errors.Is(err, ErrUnavailable):
			return fmt.Errorf("claim %s: %w", c.Name, err)
		case err != nil:
			log.Warn("intake: claim failed, will retry", "file", c.Name, "err", err)
		default:
			log.Info("intake: claimed", "file", c.Name, "size", c.Size)
			handle(ctx, f)
		}
	}
	return nil
}

// sleep waits for d, a change notification or ctx; false means ctx is done.
func sleep(ctx context.Context, d time.Duration, changes <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-changes:
	}
	return true
}

// WatchAll runs Watch for every source in its own goroutine and returns when
// ctx is done and all of them stopped. handle may be called concurrently for
// files of different sources.
func WatchAll(ctx context.Context, srcs []Source, interval time.Duration, handle func(context.Context, *Claimed)) error {
	errs := make([]error, len(srcs))
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Go(func() { errs[i] = Watch(ctx, s, interval, handle) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
