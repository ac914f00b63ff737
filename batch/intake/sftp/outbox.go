package sftp

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/pkg/sftp"

	"github.com/paybatch/paybatch/batch/intake"
)

// Outbox uploads reports to a remote folder.
type Outbox struct {
	conn   *conn
	dir    string
	verify bool
}

var _ intake.Outbox = (*Outbox)(nil)

// Put uploads under a hidden temporary name (.name.<random>.tmp), checks
// that the server holds exactly the bytes written (size, and sha256 when
// VerifyChecksum is set), and only then renames into place, never over an
// existing report. A server that silently drops data fails with
// ErrIncomplete and leaves no report behind; the caller retries.
func (o *Outbox) Put(ctx context.Context, name string, write func(io.Writer) error) (string, error) {
	p, err := o.conn.upload(ctx, o.dir, name, o.verify, write)
	if err != nil {
		return "", fmt.Errorf("outbox put %s: %w", name, err)
	}
	return p, nil
}

func (c *conn) upload(ctx context.Context, dir, name string, verify bool, write func(io.Writer) error) (string, error) {
	if err := intake.CheckName(name); err != nil {
		return "", err
	}
	cl, err := c.client(ctx)
	if err != nil {
		return "", err
	}
	if err := cl.MkdirAll(dir); err != nil {
		return "", fmt.Errorf("mkdir %s: %w", dir, c.classify(err))
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := path.Join(dir, "."+name+"."+hex.EncodeToString(rnd[:])+".tmp")
	f, err := cl.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", tmp, c.classify(err))
	}
	keep := false
	defer func() {
		if !keep {
			_ = cl.Remove(tmp) // best effort; a leftover is hidden and ignored
		}
	}()
	sum := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, sum)}
	bw := bufio.NewWriterSize(cw, 32<<10)
	werr := write(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = c.classify(cerr)
	}
	if werr != nil {
		return "", fmt.Errorf("write %s: %w", tmp, werr)
	}
	st, err := cl.Stat(tmp)
	if err != nil {
		return "", fmt.Errorf("stat %s: %w", tmp, c.classify(err))
	}
	if st.Size() != cw.n {
		return "", fmt.Errorf("server holds %d of %d bytes written to %s: %w", st.Size(), cw.n, tmp, intake.ErrIncomplete)
	}
	if verify {
		if err := c.checkSum(cl, tmp, sum.Sum(nil)); err != nil {
			return "", err
		}
	}
	final, err := c.moveUnique(cl, tmp, dir, name, nil)
	if err != nil {
		return "", err
	}
	keep = true
	return final, nil
}

// checkSum reads p back and compares its sha256 with what was written.
func (c *conn) checkSum(cl *sftp.Client, p string, want []byte) error {
	f, err := cl.Open(p)
	if err != nil {
		return fmt.Errorf("read back %s: %w", p, c.classify(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("read back %s: %w", p, c.classify(err))
	}
	if !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("%s differs from what was written (sha256): %w", p, intake.ErrIncomplete)
	}
	return nil
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
