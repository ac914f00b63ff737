package pipeline

import (
	"context"
	"io"

	"github.com/paybatch/paybatch/reports"
)

// Outbox is where a source's reports go. batch/intake's folder and SFTP
// outboxes implement it: the write is atomic and never overwrites.
type Outbox interface {
	Put(ctx context.Context, name string, write func(io.Writer) error) (string, error)
}

// DirOutbox is a local folder outbox, for `paybatch process`.
type DirOutbox string

// Put writes name atomically in the folder; an existing report is never
// replaced (the next free name is used).
func (d DirOutbox) Put(_ context.Context, name string, write func(io.Writer) error) (string, error) {
	return reports.WriteFileAtomic(string(d), name, write)
}
