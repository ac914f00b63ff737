package folder

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"
)

// Names of the sub-folders paybatch manages. Directories are never scanned,
// so these are never mistaken for input.
const (
	ProcessingDir = "processing"
	ArchiveDir    = "archive"
	FailedDir     = "failed"
	OutboxDir     = "outbox"
)

// Config describes one folder source.
type Config struct {
	Name    string   // source name in logs and candidates; default "folder"
	Inboxes []string // folders to watch; at least one
	// WorkDir, if set, holds processing/, archive/ and failed/ instead of
	// the inbox. It must be on the same file system (claims are renames) and
	// is only allowed with a single inbox, so names cannot collide.
	WorkDir string
	// Outbox is where reports go; default <first inbox>/outbox.
	Outbox string
	// MinAge is how long size and mtime must stay unchanged.
	MinAge time.Duration
	// Marker selects marker mode: X is taken only when X.done exists.
	Marker bool
	// DeleteAfter deletes successfully processed files instead of archiving.
	DeleteAfter bool
	// NoWatch disables fsnotify; the Watch interval rescan still finds files.
	NoWatch bool
	Logger  *slog.Logger
	Now     func() time.Time // clock for archive dates only; completeness uses the real clock
}

// Validate reports configuration mistakes before anything touches the disk.
func (c Config) Validate() error {
	var errs []error
	if len(c.Inboxes) == 0 {
		errs = append(errs, errors.New("at least one inbox folder is required"))
	}
	if c.WorkDir != "" && len(c.Inboxes) > 1 {
		errs = append(errs, errors.New("work_dir can only be used with a single inbox"))
	}
	if c.MinAge < 0 {
		errs = append(errs, fmt.Errorf("min_age must not be negative, got %v", c.MinAge))
	}
	seen := map[string]bool{}
	for _, in := range c.Inboxes {
		if in == "" {
			errs = append(errs, errors.New("empty inbox path"))
			continue
		}
		abs, err := filepath.Abs(in)
		if err != nil {
			errs = append(errs, fmt.Errorf("inbox %q: %w", in, err))
			continue
		}
		if seen[abs] {
			errs = append(errs, fmt.Errorf("inbox %q listed twice", in))
		}
		seen[abs] = true
	}
	if c.Outbox != "" {
		// Reports written into an inbox would be read back as batches.
		if abs, err := filepath.Abs(c.Outbox); err == nil && seen[abs] {
			errs = append(errs, fmt.Errorf("outbox %q must not be an inbox", c.Outbox))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("folder source %q: %w", c.Name, err)
	}
	return nil
}
