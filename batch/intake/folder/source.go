package folder

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
)

// Source is a folder intake.Source. Create it with New and Close it when done.
type Source struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	inboxes []string // absolute, cleaned
	outbox  *Outbox
	stable  intake.Stability

	warnedMu sync.Mutex
	warned   map[string]bool // bad names already logged, to log each once

	watch *watcher // nil when NoWatch
}

var (
	_ intake.Source    = (*Source)(nil)
	_ intake.Recoverer = (*Source)(nil)
	_ intake.Notifier  = (*Source)(nil)
)

// New checks cfg, creates the inbox sub-folders and starts the fsnotify
// watcher unless disabled.
func New(cfg Config) (*Source, error) {
	if cfg.Name == "" {
		cfg.Name = "folder"
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, log: cfg.Logger, now: cfg.Now, warned: map[string]bool{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.log = s.log.With("source", cfg.Name)
	if s.now == nil {
		s.now = time.Now
	}
	s.stable.MinAge = cfg.MinAge
	for _, in := range cfg.Inboxes {
		abs, err := filepath.Abs(in)
		if err != nil {
			return nil, fmt.Errorf("folder source %s: %w", cfg.Name, err)
		}
		s.inboxes = append(s.inboxes, abs)
		for _, d := range []string{s.processingDir(abs), s.failedDir(abs)} {
			if err := os.MkdirAll(d, 0o750); err != nil {
				return nil, fmt.Errorf("folder source %s: %w", cfg.Name, err)
			}
		}
	}
	out := cfg.Outbox
	if out == "" {
		out = filepath.Join(s.inboxes[0], OutboxDir)
	}
	s.outbox = NewOutbox(out)
	if !cfg.NoWatch {
		w, err := newWatcher(s.inboxes, s.log)
		if err != nil {
			return nil, fmt.Errorf("folder source %s: %w", cfg.Name, err)
		}
		s.watch = w
	}
	return s, nil
}

// Close stops the watcher.
func (s *Source) Close() error {
	if s.watch != nil {
		return s.watch.close()
	}
	return nil
}

// Name implements intake.Source.
func (s *Source) Name() string { return s.cfg.Name }

// Outbox implements intake.Source.
func (s *Source) Outbox() intake.Outbox { return s.outbox }

// Changes implements intake.Notifier; nil (never ready) without a watcher.
func (s *Source) Changes() <-chan struct{} {
	if s.watch == nil {
		return nil
	}
	return s.watch.changes
}

func (s *Source) workRoot(inbox string) string {
	if s.cfg.WorkDir != "" {
		return s.cfg.WorkDir
	}
	return inbox
}
func (s *Source) processingDir(inbox string) string {
	return filepath.Join(s.workRoot(inbox), ProcessingDir)
}
func (s *Source) failedDir(inbox string) string { return filepath.Join(s.workRoot(inbox), FailedDir) }
func (s *Source) archiveDir(inbox string) string {
	return filepath.Join(s.workRoot(inbox), ArchiveDir, intake.ArchiveDay(s.now()))
}

// Scan implements intake.Source.
func (s *Source) Scan(ctx context.Context) ([]intake.Candidate, error) {
	var out []intake.Candidate
	present := map[string]bool{}
	waiting := false
	for _, inbox := range s.inboxes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		entries, err := os.ReadDir(inbox)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", inbox, err)
		}
		names := make(map[string]bool, len(entries))
		for _, e := range entries {
			names[e.Name()] = true
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() {
				continue // our sub-folders, or someone's; never input
			}
			if err := intake.CheckName(name); err != nil {
				s.warnOnce(inbox, name, "intake: skipping file with unsafe name", err)
				continue
			}
			if intake.Ignored(name) {
				continue
			}
			path := filepath.Join(inbox, name)
			if !e.Type().IsRegular() {
				s.refuse(inbox, name, fmt.Sprintf("%s is not a regular file (%v); paybatch does not follow links or read special files. Drop the file itself into the inbox.", name, e.Type()))
				continue
			}
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // claimed or removed since ReadDir
			}
			if err != nil {
				return nil, fmt.Errorf("scan %s: %w", path, err)
			}
			present[path] = true
			var ready bool
			if s.cfg.Marker {
				ready = names[name+intake.MarkerSuffix]
			} else {
				ready = s.stable.Observe(path, info.Size(), info.ModTime(), time.Now())
			}
			if !ready {
				waiting = true
				continue
			}
			out = append(out, intake.Candidate{Source: s.cfg.Name, Name: name, Path: path, Size: info.Size(), ModTime: info.ModTime()})
		}
	}
	s.stable.Sweep(present)
	if waiting && s.watch != nil && !s.cfg.Marker {
		// No event fires when a file merely stops changing: wake the loop
		// when the oldest possible candidate may have become stable.
		s.watch.wakeAfter(s.cfg.MinAge)
	}
	return out, nil
}

// inboxOf returns the configured inbox c.Path lies directly in, refusing
// candidates that were not produced by Scan or were tampered with.
func (s *Source) inboxOf(c intake.Candidate) (string, error) {
	if err := intake.CheckName(c.Name); err != nil {
		return "", err
	}
	if filepath.Base(c.Path) != c.Name {
		return "", fmt.Errorf("%w: path %q does not end in name %q", intake.ErrUnsafeName, c.Path, c.Name)
	}
	dir := filepath.Clean(filepath.Dir(c.Path))
	for _, in := range s.inboxes {
		if in == dir {
			return in, nil
		}
	}
	return "", fmt.Errorf("%w: %q is not in an inbox of source %s", intake.ErrUnsafeName, c.Path, s.cfg.Name)
}

// Claim implements intake.Source: a rename within one file system is atomic,
// so of two instances racing for a file exactly one finds it still there.
func (s *Source) Claim(ctx context.Context, c intake.Candidate) (*intake.Claimed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	inbox, err := s.inboxOf(c)
	if err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	src := filepath.Join(inbox, c.Name)
	st, err := os.Lstat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("claim %s: %w", c.Name, intake.ErrAlreadyClaimed)
	}
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	if !st.Mode().IsRegular() {
		s.refuse(inbox, c.Name, c.Name+" is not a regular file; paybatch does not follow links or read special files.")
		return nil, fmt.Errorf("claim %s: %w", c.Name, intake.ErrNotRegular)
	}
	proc := s.processingDir(inbox)
	if err := os.MkdirAll(proc, 0o750); err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	dst, err := s.renameIntoProcessing(src, proc, c.Name)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	s.stable.Forget(src)
	// The entry could have been swapped for a symlink between Lstat and the
	// rename; what we now hold must still be a regular file.
	st, err = os.Lstat(dst)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	if !st.Mode().IsRegular() {
		s.refuseAt(dst, inbox, c.Name)
		return nil, fmt.Errorf("claim %s: %w", c.Name, intake.ErrNotRegular)
	}
	if s.cfg.Marker {
		if err := os.Remove(src + intake.MarkerSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("intake: could not remove marker", "file", c.Name, "err", err)
		}
	}
	syncDir(proc)
	cand := c
	cand.Source, cand.Path, cand.Size, cand.ModTime = s.cfg.Name, src, st.Size(), st.ModTime()
	return &intake.Claimed{Candidate: cand, LocalPath: dst, ProcessingPath: dst}, nil
}

// renameIntoProcessing renames src into proc under a name not yet used there
// (a file with the same name may still be in progress). Rename, not link:
// it is what makes the claim exclusive, since the source vanishes atomically.
func (s *Source) renameIntoProcessing(src, proc, name string) (string, error) {
	for n := 1; n <= maxSuffix; n++ {
		dst := filepath.Join(proc, intake.SuffixedName(name, n))
		if exists(dst) {
			continue
		}
		err := os.Rename(src, dst)
		if errors.Is(err, fs.ErrNotExist) {
			return "", intake.ErrAlreadyClaimed
		}
		if err != nil {
			return "", err
		}
		return dst, nil
	}
	return "", fmt.Errorf("no free name in %s", proc)
}

// refuse moves an inbox entry that must not be processed to failed/ with an
// explanation, so the sender sees it instead of it sitting there forever.
func (s *Source) refuse(inbox, name, why string) {
	s.log.Warn("intake: refusing inbox entry", "file", name, "reason", why)
	if err := s.toFailed(filepath.Join(inbox, name), s.failedDir(inbox), name, why); err != nil {
		s.log.Warn("intake: could not move refused entry to failed", "file", name, "err", err)
	}
}

func (s *Source) warnOnce(inbox, name, msg string, err error) {
	key := filepath.Join(inbox, name)
	s.warnedMu.Lock()
	defer s.warnedMu.Unlock()
	if s.warned[key] {
		return
	}
	if len(s.warned) > 10000 { // bounded: a flood of bad names must not eat memory
		s.warned = map[string]bool{}
	}
	s.warned[key] = true
	s.log.Warn(msg, "file", fmt.Sprintf("%q", name), "err", err)
}

// refuseAt is refuse for an entry already moved out of the inbox.
func (s *Source) refuseAt(p, inbox, name string) {
	if err := s.toFailed(p, s.failedDir(inbox), name, name+" is not a regular file; paybatch does not follow links or read special files."); err != nil {
		s.log.Warn("intake: could not move refused entry to failed", "file", name, "err", err)
	}
}
