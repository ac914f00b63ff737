package intake

import (
	"context"
	"io"
	"time"
)

// A Source finds complete files, claims them so no one else takes them,
// stages them locally, and files them away after the pipeline is done.
//
// A Source is used by one goroutine at a time per method call sequence of
// Watch, but Finish may be called from the pipeline while Watch scans, so
// implementations must be safe for concurrent use.
type Source interface {
	// Name identifies the source in logs, candidates and configuration.
	Name() string
	// Scan lists files that are complete and ready to claim: size and mtime
	// unchanged across scans for at least MinAge; temporary, lock and marker
	// names are ignored.
	Scan(ctx context.Context) ([]Candidate, error)
	// Claim atomically renames the file into processing/ and stages a local
	// copy. It returns an error wrapping ErrAlreadyClaimed if another
	// instance took the file first.
	Claim(ctx context.Context, c Candidate) (*Claimed, error)
	// Finish moves the claimed file to archive/YYYY-MM-DD/ (or deletes it, if
	// configured) or, for a failed outcome, to failed/ next to
	// <name>.error.txt holding the explanation. Finishing a file that is no
	// longer in processing/ (a retry after a lost reply) is not an error.
	Finish(ctx context.Context, f *Claimed, o Outcome) error
	// Outbox returns where reports for files of this source go.
	Outbox() Outbox
}

// A Recoverer can hand back the files a previous run claimed but never
// finished (a crash between Claim and Finish). The pipeline resumes them by
// sha256, so offering a file again is safe; losing it is not.
type Recoverer interface {
	Recover(ctx context.Context) ([]*Claimed, error)
}

// A Notifier wakes Watch before the next poll when something may have
// arrived (fsnotify). Polling stays on: notifications are hints only.
type Notifier interface {
	Changes() <-chan struct{}
}

// An Outbox stores reports.
type Outbox interface {
	// Put writes a report atomically under name (temp name, verify, rename):
	// readers never see half a file and an existing file is never
	// overwritten; a suffix (-2, -3, ...) is added instead. It returns the
	// final path actually used.
	Put(ctx context.Context, name string, write func(io.Writer) error) (string, error)
}

// A Candidate is a complete file found by Scan.
type Candidate struct {
	Source  string    // Source.Name()
	Name    string    // base name in the inbox
	Path    string    // full path in the source's namespace (local or remote)
	Size    int64     // bytes
	ModTime time.Time // as reported by the file system or server
}

// Claimed is a file taken out of the inbox and staged for the pipeline.
type Claimed struct {
	Candidate
	// LocalPath is the staged copy the pipeline reads. For a folder source
	// it is the file in processing/ itself.
	LocalPath string
	// ProcessingPath is where the original now sits, in the source's
	// namespace; Finish moves it from there.
	ProcessingPath string
	// Recovered is true when the file was found in processing/ at start-up
	// rather than claimed by this run.
	Recovered bool
}

// Outcome tells Finish where the file goes.
type Outcome struct {
	Failed      bool
	Explanation string // written to failed/<name>.error.txt when Failed
}
