package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"github.com/pkg/sftp"

	"github.com/paybatch/paybatch/batch/intake"
)

// Source is an SFTP intake.Source. Create it with New, Close it when done.
type Source struct {
	cfg    Config
	log    *slog.Logger
	conn   *conn
	stable intake.Stability
	outbox *Outbox

	warnedMu sync.Mutex
	warned   map[string]bool
}

var (
	_ intake.Source    = (*Source)(nil)
	_ intake.Recoverer = (*Source)(nil)
)

// New validates cfg and prepares the source. It does not connect: the first
// Scan does, so a server that is down at start-up only delays its own files.
func New(cfg Config) (*Source, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c, err := newConn(cfg)
	if err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, log: cfg.Logger.With("source", cfg.Name), conn: c, warned: map[string]bool{}}
	s.stable.MinAge = cfg.MinAge
	s.outbox = &Outbox{conn: c, dir: cfg.Outbox, verify: cfg.VerifyChecksum}
	return s, nil
}

// Close drops the connection.
func (s *Source) Close() error { return s.conn.Close() }

// Name implements intake.Source.
func (s *Source) Name() string { return s.cfg.Name }

// PollInterval is how often the daemon should call intake.Watch's Scan.
func (s *Source) PollInterval() time.Duration { return s.cfg.PollInterval }

// Outbox implements intake.Source.
func (s *Source) Outbox() intake.Outbox { return s.outbox }

func (s *Source) processingDir() string { return path.Join(s.cfg.Processing, s.cfg.Instance) }

// Scan implements intake.Source.
func (s *Source) Scan(ctx context.Context) ([]intake.Candidate, error) {
	cl, err := s.conn.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", s.cfg.Inbox, err)
	}
	infos, err := cl.ReadDirContext(ctx, s.cfg.Inbox)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", s.cfg.Inbox, s.conn.classify(err))
	}
	now := time.Now()
	present := map[string]bool{}
	var out []intake.Candidate
	for _, fi := range infos {
		name := fi.Name()
		if fi.IsDir() || intake.Ignored(name) {
			continue
		}
		if err := intake.CheckName(name); err != nil {
			s.warnOnce(name, "intake: skipping remote file with unsafe name", err)
			continue
		}
		if !fi.Mode().IsRegular() {
			// Links on the server are its admin's business; we never follow
			// them, and moving them would need rights we may not have.
			s.warnOnce(name, "intake: skipping remote entry that is not a regular file", fmt.Errorf("mode %v", fi.Mode()))
			continue
		}
		present[name] = true
		if s.stable.Observe(name, fi.Size(), fi.ModTime(), now) {
			out = append(out, intake.Candidate{Source: s.cfg.Name, Name: name, Path: path.Join(s.cfg.Inbox, name), Size: fi.Size(), ModTime: fi.ModTime()})
		}
	}
	s.stable.Sweep(present)
	return out, nil
}

// Claim implements intake.Source: a remote rename into this instance's
// processing folder, then a verified download.
func (s *Source) Claim(ctx context.Context, c intake.Candidate) (*intake.Claimed, error) {
	if err := intake.CheckName(c.Name); err != nil {
		return nil, fmt.Errorf("claim: %w", err)
	}
	src := path.Join(s.cfg.Inbox, c.Name)
	if c.Path != src {
		return nil, fmt.Errorf("claim: %w: %q is not in inbox %s", intake.ErrUnsafeName, c.Path, s.cfg.Inbox)
	}
	cl, err := s.conn.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	proc := s.processingDir()
	if err := cl.MkdirAll(proc); err != nil {
		return nil, fmt.Errorf("claim %s: mkdir %s: %w", c.Name, proc, s.conn.classify(err))
	}
	dst, err := s.claimRename(ctx, cl, src, proc, c.Name)
	if err != nil {
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	s.stable.Forget(c.Name)
	f := &intake.Claimed{Candidate: c, ProcessingPath: dst}
	f.Source = s.cfg.Name
	if err := s.stage(ctx, f); err != nil {
		s.release(ctx, dst, src)
		return nil, fmt.Errorf("claim %s: %w", c.Name, err)
	}
	return f, nil
}

// claimRename renames src into proc under a free name. posix-rename is one
// atomic rename(2) on the server; plain SFTP rename is what every server
// has. Either way, of two instances only one finds src still there.
func (s *Source) claimRename(ctx context.Context, cl *sftp.Client, src, proc, name string) (string, error) {
	_, posix := cl.HasExtension("posix-rename@openssh.com")
	for n := 1; n <= maxSuffix; n++ {
		dst := path.Join(proc, intake.SuffixedName(name, n))
		if _, err := cl.Lstat(dst); err == nil {
			continue // a file of the same name still being processed
		}
		var err error
		if posix {
			err = cl.PosixRename(src, dst)
		} else {
			err = cl.Rename(src, dst)
		}
		if err == nil {
			return dst, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "", intake.ErrAlreadyClaimed
		}
		err = s.conn.classify(err)
		if errors.Is(err, intake.ErrUnavailable) {
			// The reply may have been lost after the rename happened: look
			// once on a fresh connection before giving up on the file.
			if s.renamedAnyway(ctx, src, dst) {
				return dst, nil
			}
			return "", err
		}
		if _, serr := cl.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
			return "", intake.ErrAlreadyClaimed
		}
		return "", err
	}
	return "", fmt.Errorf("no free name in %s", proc)
}

func (s *Source) renamedAnyway(ctx context.Context, src, dst string) bool {
	cl, err := s.conn.client(ctx)
	if err != nil {
		return false
	}
	_, derr := cl.Lstat(dst)
	_, serr := cl.Lstat(src)
	return derr == nil && errors.Is(serr, fs.ErrNotExist)
}

// release puts a claimed file back into the inbox when staging failed, so it
// is retried instead of waiting in processing/ until the next restart.
func (s *Source) release(ctx context.Context, dst, src string) {
	cl, err := s.conn.client(ctx)
	if err == nil {
		err = cl.Rename(dst, src)
	}
	if err != nil {
		s.log.Warn("intake: could not put file back into the inbox; it will be recovered at next start", "file", path.Base(src), "err", err)
	}
}

// stage downloads f.ProcessingPath into the staging folder and checks that
// every byte the server reported arrived.
func (s *Source) stage(ctx context.Context, f *intake.Claimed) error {
	cl, err := s.conn.client(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.cfg.StagingDir, 0o700); err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	rf, err := cl.Open(f.ProcessingPath)
	if err != nil {
		return fmt.Errorf("download: %w", s.conn.classify(err))
	}
	defer rf.Close()
	st, err := rf.Stat()
	if err != nil {
		return fmt.Errorf("download: %w", s.conn.classify(err))
	}
	lf, err := os.CreateTemp(s.cfg.StagingDir, "*-"+path.Base(f.ProcessingPath))
	if err != nil {
		return fmt.Errorf("staging: %w", err)
	}
	n, err := io.Copy(lf, rf)
	if err == nil {
		err = lf.Sync()
	}
	if cerr := lf.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != st.Size() {
		err = fmt.Errorf("got %d of %d bytes: %w", n, st.Size(), intake.ErrIncomplete)
	}
	if err != nil {
		os.Remove(lf.Name())
		return fmt.Errorf("download %s: %w", f.ProcessingPath, s.conn.classify(err))
	}
	f.LocalPath, f.Size, f.ModTime = lf.Name(), st.Size(), st.ModTime()
	return nil
}

// Recover implements intake.Recoverer: files in this instance's processing
// folder were claimed by a run that did not finish them.
func (s *Source) Recover(ctx context.Context) ([]*intake.Claimed, error) {
	cl, err := s.conn.client(ctx)
	if err != nil {
		return nil, fmt.Errorf("recover: %w", err)
	}
	proc := s.processingDir()
	infos, err := cl.ReadDirContext(ctx, proc)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("recover %s: %w", proc, s.conn.classify(err))
	}
	var out []*intake.Claimed
	for _, fi := range infos {
		name := fi.Name()
		if !fi.Mode().IsRegular() || intake.CheckName(name) != nil || intake.Ignored(name) {
			continue
		}
		f := &intake.Claimed{
			Candidate:      intake.Candidate{Source: s.cfg.Name, Name: name, Path: path.Join(s.cfg.Inbox, name), Size: fi.Size(), ModTime: fi.ModTime()},
			ProcessingPath: path.Join(proc, name),
			Recovered:      true,
		}
		if err := s.stage(ctx, f); err != nil {
			if errors.Is(err, intake.ErrUnavailable) {
				return nil, fmt.Errorf("recover %s: %w", name, err)
			}
			// One unreadable file must not hold back the others; it stays
			// in processing/ and is tried again at the next start.
			s.log.Error("intake: could not stage file left in processing", "file", name, "err", err)
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func (s *Source) warnOnce(name, msg string, err error) {
	s.warnedMu.Lock()
	defer s.warnedMu.Unlock()
	if s.warned[name] {
		return
	}
	if len(s.warned) > 10000 {
		s.warned = map[string]bool{}
	}
	s.warned[name] = true
	s.log.Warn(msg, "file", fmt.Sprintf("%q", name), "err", err)
}

// localStaged reports whether p is a staged copy this source made, so Finish
// removes nothing else.
func (s *Source) localStaged(p string) bool {
	return p != "" && filepath.Dir(p) == filepath.Clean(s.cfg.StagingDir)
}
