package pain001

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits against hostile input. encoding/xml buffers a whole text node (or
// tag) before returning it and keeps a frame per open element, so without
// these a single 100 MB text node or a million nested elements would cost
// memory in proportion to the file.
const (
	// MaxDepth is the deepest element nesting accepted. The deepest real
	// pain.001 path (an envelope plus structured remittance) is about 15.
	MaxDepth = 64
	// MaxTokenBytes bounds the bytes between two '<': one text node, or
	// one tag with its attributes.
	MaxTokenBytes = 1 << 20
	// maxTxBytes bounds the text collected for one transaction (repeated
	// Ustrd lines, CDATA sections split into many tokens).
	maxTxBytes = 4 << 20
)

// errTokenTooLarge is returned by the guard reader; encoding/xml passes
// reader errors through unchanged, so errors.Is finds it.
var errTokenTooLarge = errors.New("a text node or tag is larger than the limit")

// runGuard fails the stream as soon as MaxTokenBytes bytes pass without a
// '<'. It sits below the XML decoder, so nothing that large is ever buffered.
type runGuard struct {
	r   io.Reader
	run int // bytes since the last '<'
}

func (g *runGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	b := p[:n]
	if i := bytes.LastIndexByte(b, '<'); i >= 0 {
		// Runs inside b before its last '<' are shorter than len(b),
		// which is far below the limit for any sane read size.
		if first := bytes.IndexByte(b, '<'); g.run+first > MaxTokenBytes {
			return 0, fmt.Errorf("%w (%d bytes)", errTokenTooLarge, MaxTokenBytes)
		}
		g.run = len(b) - i - 1
	} else {
		g.run += len(b)
	}
	if g.run > MaxTokenBytes {
		return 0, fmt.Errorf("%w (%d bytes)", errTokenTooLarge, MaxTokenBytes)
	}
	return n, err
}
