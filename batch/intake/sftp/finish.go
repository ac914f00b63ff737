package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/paybatch/paybatch/batch/intake"
)

// Finish implements intake.Source. It is safe to call again after an error
// or a reconnect: a file no longer in processing/ was already filed away.
func (s *Source) Finish(ctx context.Context, f *intake.Claimed, o intake.Outcome) error {
	proc := s.processingDir()
	if path.Dir(f.ProcessingPath) != path.Clean(proc) || intake.CheckName(path.Base(f.ProcessingPath)) != nil {
		return fmt.Errorf("finish %s: %w: %q is not in %s", f.Name, intake.ErrUnsafeName, f.ProcessingPath, proc)
	}
	name := f.Name
	if intake.CheckName(name) != nil {
		name = path.Base(f.ProcessingPath)
	}
	cl, err := s.conn.client(ctx)
	if err != nil {
		return fmt.Errorf("finish %s: %w", name, err)
	}
	if _, err := cl.Lstat(f.ProcessingPath); errors.Is(err, fs.ErrNotExist) {
		s.log.Info("intake: finish: file no longer in processing, nothing to do", "file", name)
		s.dropStaged(f)
		return nil
	} else if err != nil {
		return fmt.Errorf("finish %s: %w", name, s.conn.classify(err))
	}
	switch {
	case o.Failed:
		err = s.toFailed(ctx, f.ProcessingPath, name, o.Explanation)
	case s.cfg.DeleteAfter:
		if err = cl.Remove(f.ProcessingPath); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
		err = s.conn.classify(err)
	default:
		dir := path.Join(s.cfg.Archive, intake.ArchiveDay(s.cfg.Now()))
		if err = cl.MkdirAll(dir); err != nil {
			err = s.conn.classify(err)
			break
		}
		_, err = s.conn.moveUnique(cl, f.ProcessingPath, dir, name, nil)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = nil // moved by an earlier attempt whose reply was lost
	}
	if err != nil {
		return fmt.Errorf("finish %s: %w", name, err)
	}
	s.dropStaged(f)
	return nil
}

// toFailed uploads name.error.txt first, then moves the file next to it, so
// a rejected file never sits in failed/ without its reason.
func (s *Source) toFailed(ctx context.Context, src, name, explanation string) error {
	cl, err := s.conn.client(ctx)
	if err != nil {
		return err
	}
	if err := cl.MkdirAll(s.cfg.Failed); err != nil {
		return s.conn.classify(err)
	}
	var final string
	for n := 1; n <= maxSuffix && final == ""; n++ {
		cand := intake.SuffixedName(name, n)
		_, e1 := cl.Lstat(path.Join(s.cfg.Failed, cand))
		_, e2 := cl.Lstat(path.Join(s.cfg.Failed, intake.ErrorFileName(cand)))
		if errors.Is(e1, fs.ErrNotExist) && errors.Is(e2, fs.ErrNotExist) {
			final = cand
		} else if e1 != nil && !errors.Is(e1, fs.ErrNotExist) {
			return s.conn.classify(e1)
		}
	}
	if final == "" {
		return fmt.Errorf("no free name for %q in %s", name, s.cfg.Failed)
	}
	text := strings.TrimRight(explanation, "\n")
	if text == "" {
		text = "rejected (no explanation given)"
	}
	if _, err := s.conn.upload(ctx, s.cfg.Failed, intake.ErrorFileName(final), s.cfg.VerifyChecksum, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "paybatch could not process %s:\n\n%s\n", name, text)
		return err
	}); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	if _, err := s.conn.moveUnique(cl, src, s.cfg.Failed, final, nil); err != nil {
		return fmt.Errorf("move to failed: %w", err)
	}
	return nil
}

func (s *Source) dropStaged(f *intake.Claimed) {
	if s.localStaged(f.LocalPath) {
		if err := os.Remove(f.LocalPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("intake: could not remove staged copy", "path", f.LocalPath, "err", err)
		}
	}
}
