package folder

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/paybatch/paybatch/batch/intake"
)

// Outbox writes reports into a local folder.
type Outbox struct {
	Dir string
}

var _ intake.Outbox = (*Outbox)(nil)

// NewOutbox returns an Outbox writing into dir (created on first Put).
func NewOutbox(dir string) *Outbox { return &Outbox{Dir: dir} }

// Put writes to a hidden temp file in the outbox folder (same file system,
// ignored by anyone scanning for reports), fsyncs it, checks its size and
// only then gives it its final name, adding -2, -3... rather than overwrite.
func (o *Outbox) Put(ctx context.Context, name string, write func(io.Writer) error) (string, error) {
	if err := intake.CheckName(name); err != nil {
		return "", fmt.Errorf("outbox put: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(o.Dir, "."+name+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	defer os.Remove(tmp.Name()) // no-op once linked into place
	cw := &countingWriter{w: tmp}
	werr := write(cw)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", fmt.Errorf("outbox put %s: write: %w", name, werr)
	}
	st, err := os.Stat(tmp.Name())
	if err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	if st.Size() != cw.n {
		return "", fmt.Errorf("outbox put %s: wrote %d bytes, file has %d: %w", name, cw.n, st.Size(), intake.ErrIncomplete)
	}
	final, err := placeUnique(tmp.Name(), o.Dir, name, nil)
	if err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	return final, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
