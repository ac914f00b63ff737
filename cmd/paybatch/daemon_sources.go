package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/folder"
	"github.com/paybatch/paybatch/batch/intake/sftp"
	"github.com/paybatch/paybatch/batch/pipeline"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/samples"
)

// defaultRescan is how often a folder inbox is rescanned when the config
// does not say: fsnotify wakes the daemon sooner, the rescan catches what
// notifications miss (network mounts).
const defaultRescan = 2 * time.Second

// watched is one configured source with how often to poll it.
type watched struct {
	src      intake.Source
	interval time.Duration
	describe string // for the start-up message
	close    func() error
}

// buildSources turns inboxes[] and sftp[] into intake sources. Nothing
// connects yet: an SFTP server that is down (or presents the wrong host key)
// only delays its own files, and says so in the log.
func buildSources(cfg *Config, log *slog.Logger) (out []*watched, err error) {
	defer func() {
		if err != nil {
			for _, w := range out {
				w.close()
			}
			out = nil
		}
	}()
	names := map[string]bool{}
	add := func(w *watched) error {
		if names[w.src.Name()] {
			w.close()
			// Reports are routed by source name: two sources with one name
			// would send one's reports to the other's outbox.
			return fmt.Errorf("config: source name %q used twice (inboxes[] and sftp[] names must be unique)", w.src.Name())
		}
		names[w.src.Name()] = true
		out = append(out, w)
		return nil
	}
	for i, in := range cfg.Inboxes {
		src, err := folder.New(folder.Config{Name: in.Name, Inboxes: []string{in.Path}, Outbox: in.Outbox,
			MinAge: in.MinAge, Marker: in.DoneMarker, Logger: log})
		if err != nil {
			return out, fmt.Errorf("config inboxes[%d]: %w", i, err)
		}
		rescan := in.Rescan
		if rescan <= 0 {
			rescan = defaultRescan
		}
		abs := func(p string) string {
			if a, err := filepath.Abs(p); err == nil {
				return a
			}
			return p
		}
		w := &watched{src: src, interval: rescan, close: src.Close,
			describe: fmt.Sprintf("inbox %q: drop pain.001, CSV or XLSX files into %s\n  reports (pain.002 + summaries) go to %s; done files to %s, rejected ones to %s",
				in.Name, abs(in.Path), abs(in.Outbox), filepath.Join(abs(in.Path), folder.ArchiveDir, "YYYY-MM-DD"), filepath.Join(abs(in.Path), folder.FailedDir))}
		if err := add(w); err != nil {
			return out, err
		}
	}
	for i, s := range cfg.SFTP {
		name := s.Name
		if name == "" {
			name = "sftp:" + s.Host
		}
		src, err := sftp.New(sftp.Config{Name: name, Host: s.Host, Port: s.Port, User: s.User,
			KeyFile: s.KeyFile, Password: string(s.Password), HostKey: s.HostKey, KnownHosts: s.KnownHosts,
			Inbox: s.Inbox, Outbox: s.Outbox, PollInterval: s.PollInterval, MinAge: s.MinAge, DeleteAfter: s.DeleteAfter,
			// Staged copies live with the rest of paybatch's data, not in
			// a shared /tmp another user could read.
			StagingDir: filepath.Join(cfg.DataDir, "sftp-staging", safeName(name)), Logger: log})
		if err != nil {
			return out, fmt.Errorf("config sftp[%d]: %w", i, err)
		}
		outbox := s.Outbox
		if outbox == "" {
			outbox = s.Inbox + "/outbox"
		}
		w := &watched{src: src, interval: src.PollInterval(), close: src.Close,
			describe: fmt.Sprintf("sftp %q: %s@%s inbox %s, reports to %s", name, s.User, s.Host, s.Inbox, outbox)}
		if err := add(w); err != nil {
			return out, err
		}
	}
	return out, nil
}

// safeName keeps a source name usable as a directory name.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

// outboxesOf maps each source name to its outbox, for the pipeline.
func outboxesOf(ws []*watched) map[string]pipeline.Outbox {
	m := make(map[string]pipeline.Outbox, len(ws))
	for _, w := range ws {
		m[w.src.Name()] = w.src.Outbox()
	}
	return m
}

// dropDemo copies the embedded sample batches into dir, each under a hidden
// temporary name first so the inbox never sees half a file. A sample the
// database already knows is skipped: dropping it again would only produce a
// DU01 rejection, which is not what a second `make run` should show.
func dropDemo(ctx context.Context, st *store.Store, dir string, w io.Writer) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return fs.WalkDir(samples.Batches(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(samples.Batches(), name)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		sum := sha256.Sum256(data)
		if b, err := st.FindBySHA256(ctx, hex.EncodeToString(sum[:])); err == nil {
			fmt.Fprintf(w, "  demo: %s was already processed as batch %s (make clean starts over)\n", name, b.ID)
			return nil
		} else if !store.IsNotFound(err) {
			return fmt.Errorf("demo: %w", err)
		}
		dst := filepath.Join(dir, name)
		if _, err := os.Stat(dst); err == nil {
			return nil // still waiting in the inbox from an earlier start
		}
		tmp := filepath.Join(dir, "."+name+".tmp")
		if err := os.WriteFile(tmp, data, 0o640); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if err := os.Rename(tmp, dst); err != nil {
			return errors.Join(fmt.Errorf("demo: %w", err), os.Remove(tmp))
		}
		fmt.Fprintf(w, "  demo: dropped %s\n", dst)
		return nil
	})
}
