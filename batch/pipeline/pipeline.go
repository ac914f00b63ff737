package pipeline

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/reports"
)

// Options wire a Pipeline.
type Options struct {
	Store  *store.Store
	Router *dispatch.Router
	// Wake tells the dispatch engine that work is due (may be nil).
	Wake func()
	// Outboxes maps a source name to where its reports go; DefaultOutbox
	// takes the reports of any other source (e.g. `paybatch process`).
	Outboxes      map[string]Outbox
	DefaultOutbox Outbox
	// FilesDir keeps a copy of every input file, so that the final summary
	// can give the user their own rows back after the inbox archived it.
	FilesDir string

	Location        *time.Location
	Sandbox         bool   // say so in every report
	Pain002Version  string // "" or "auto" follows the input
	InitiatingParty string
	ChunkSize       int // payments per store transaction; default 1000
	Log             *slog.Logger
	Now             func() time.Time
}

// Pipeline processes files. It is safe for concurrent use: several batches
// can be in flight at once.
type Pipeline struct {
	o Options

	mu       sync.Mutex
	finalize map[string]*sync.Mutex // per batch, so two completers don't both write
}

// New checks the options and returns a pipeline.
func New(o Options) (*Pipeline, error) {
	if o.Store == nil || o.Router == nil {
		return nil, errors.New("pipeline: store and router are required")
	}
	if o.DefaultOutbox == nil {
		return nil, errors.New("pipeline: a default outbox is required")
	}
	if o.FilesDir == "" {
		return nil, errors.New("pipeline: a files directory is required")
	}
	if err := os.MkdirAll(o.FilesDir, 0o750); err != nil {
		return nil, err
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 1000
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Wake == nil {
		o.Wake = func() {}
	}
	return &Pipeline{o: o, finalize: map[string]*sync.Mutex{}}, nil
}

func (p *Pipeline) outbox(source string) Outbox {
	if ob, ok := p.o.Outboxes[source]; ok {
		return ob
	}
	return p.o.DefaultOutbox
}

// copyPath is where the pipeline keeps its copy of a batch's input file.
func (p *Pipeline) copyPath(batchID string) string {
	return filepath.Join(p.o.FilesDir, batchID)
}

// reportVersion picks the pain.002 version for a header.
func (p *Pipeline) reportVersion(h batch.Header) reports.Pain002Version {
	switch p.o.Pain002Version {
	case "002.001.03":
		return reports.Pain002V03
	case "002.001.10":
		return reports.Pain002V10
	case "002.001.11":
		return reports.Pain002V11
	}
	return reports.Pain002VersionFor(h)
}
