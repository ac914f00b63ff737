package folder

import (
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher turns fsnotify events into coalesced wake-ups for intake.Watch.
// Events are hints only: the scan decides what is ready.
type watcher struct {
	fs      *fsnotify.Watcher
	changes chan struct{}
	done    chan struct{}
	wg      sync.WaitGroup
	timerOn atomic.Bool
}

func newWatcher(dirs []string, log *slog.Logger) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("fsnotify: %w", err)
	}
	for _, d := range dirs {
		if err := fw.Add(d); err != nil {
			fw.Close()
			return nil, fmt.Errorf("fsnotify watch %s: %w", d, err)
		}
	}
	w := &watcher{fs: fw, changes: make(chan struct{}, 1), done: make(chan struct{})}
	w.wg.Go(func() {
		for {
			select {
			case <-w.done:
				return
			case _, ok := <-fw.Events:
				if !ok {
					return
				}
				w.notify()
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				// An overflow means lost events: the periodic rescan covers it.
				log.Warn("intake: fsnotify error, relying on rescan", "err", err)
				w.notify()
			}
		}
	})
	return w, nil
}

// notify never blocks: one pending wake-up is as good as many.
func (w *watcher) notify() {
	select {
	case w.changes <- struct{}{}:
	default:
	}
}

// wakeAfter schedules one wake-up after d (plus a little, so the file is
// past MinAge when scanned); at most one is pending at a time.
func (w *watcher) wakeAfter(d time.Duration) {
	if !w.timerOn.CompareAndSwap(false, true) {
		return
	}
	time.AfterFunc(d+d/10+time.Millisecond, func() {
		w.timerOn.Store(false)
		select {
		case <-w.done:
		default:
			w.notify()
		}
	})
}

func (w *watcher) close() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	close(w.done)
	err := w.fs.Close()
	w.wg.Wait()
	return err
}
