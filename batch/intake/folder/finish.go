package folder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/paybatch/paybatch/batch/intake"
)

// Finish implements intake.Source.
func (s *Source) Finish(ctx context.Context, f *intake.Claimed, o intake.Outcome) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	inbox, err := s.inboxOfProcessing(f.ProcessingPath)
	if err != nil {
		return fmt.Errorf("finish %s: %w", f.Name, err)
	}
	name := f.Name
	if intake.CheckName(name) != nil {
		name = filepath.Base(f.ProcessingPath)
	}
	if _, err := os.Lstat(f.ProcessingPath); errors.Is(err, fs.ErrNotExist) {
		// A retry after a crash or an earlier Finish: already filed away.
		s.log.Info("intake: finish: file no longer in processing, nothing to do", "file", name)
		return nil
	}
	switch {
	case o.Failed:
		if err := s.toFailed(f.ProcessingPath, s.failedDir(inbox), name, o.Explanation); err != nil {
			return fmt.Errorf("finish %s: %w", name, err)
		}
	case s.cfg.DeleteAfter:
		if err := os.Remove(f.ProcessingPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("finish %s: delete: %w", name, err)
		}
	default:
		dir := s.archiveDir(inbox)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("finish %s: %w", name, err)
		}
		if _, err := placeUnique(f.ProcessingPath, dir, name, nil); err != nil {
			return fmt.Errorf("finish %s: archive: %w", name, err)
		}
	}
	return nil
}

// inboxOfProcessing maps a processing path back to its inbox; paths outside
// our processing folders are refused so Finish cannot move arbitrary files.
func (s *Source) inboxOfProcessing(p string) (string, error) {
	if err := intake.CheckName(filepath.Base(p)); err != nil {
		return "", err
	}
	dir := filepath.Clean(filepath.Dir(p))
	for _, in := range s.inboxes {
		if s.processingDir(in) == dir {
			return in, nil
		}
	}
	return "", fmt.Errorf("%w: %q is not in a processing folder of source %s", intake.ErrUnsafeName, p, s.cfg.Name)
}

// toFailed writes name.error.txt first and then moves the file next to it:
// a crash in between leaves an explanation without a file, never a rejected
// file without its reason.
func (s *Source) toFailed(src, dir, name, explanation string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	// Pick a name free for both the file and its explanation.
	var final string
	for n := 1; n <= maxSuffix; n++ {
		cand := intake.SuffixedName(name, n)
		if !exists(filepath.Join(dir, cand)) && !exists(filepath.Join(dir, intake.ErrorFileName(cand))) {
			final = cand
			break
		}
	}
	if final == "" {
		return fmt.Errorf("no free name for %q in %s", name, dir)
	}
	text := strings.TrimRight(explanation, "\n")
	if text == "" {
		text = "rejected (no explanation given)"
	}
	ob := NewOutbox(dir)
	if _, err := ob.Put(context.Background(), intake.ErrorFileName(final), func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "paybatch could not process %s:\n\n%s\n", name, text)
		return err
	}); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	if _, err := placeUnique(src, dir, final, nil); err != nil {
		return fmt.Errorf("move to failed: %w", err)
	}
	return nil
}

// Recover implements intake.Recoverer: every regular file in processing/ was
// claimed by an earlier run that did not finish it.
func (s *Source) Recover(ctx context.Context) ([]*intake.Claimed, error) {
	var out []*intake.Claimed
	for _, inbox := range s.inboxes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		proc := s.processingDir(inbox)
		entries, err := os.ReadDir(proc)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("recover %s: %w", proc, err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || intake.CheckName(name) != nil {
				continue
			}
			p := filepath.Join(proc, name)
			if !e.Type().IsRegular() {
				s.refuseAt(p, inbox, name)
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue // gone since ReadDir
			}
			out = append(out, &intake.Claimed{
				Candidate:      intake.Candidate{Source: s.cfg.Name, Name: name, Path: filepath.Join(inbox, name), Size: info.Size(), ModTime: info.ModTime()},
				LocalPath:      p,
				ProcessingPath: p,
				Recovered:      true,
			})
		}
	}
	return out, nil
}
