package pain001

import (
	"errors"
	"fmt"
	"io"

	"github.com/paybatch/paybatch/batch"
)

var (
	errTooDeep       = fmt.Errorf("elements nested deeper than %d levels", MaxDepth)
	errDirective     = errors.New("DOCTYPE and other directives are not allowed")
	errTxTooLarge    = fmt.Errorf("one transaction holds more than %d bytes of text", maxTxBytes)
	errTooManyBlocks = fmt.Errorf("more than %d payment information blocks (PmtInf)", MaxBlocks)
)

// readError marks a failure of the underlying io.Reader (a disk or network
// error), which is not the file's fault and so is not an FF01.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// sourceReader tags errors of the input so they can be told apart from
// what the decoder finds wrong with the content.
type sourceReader struct{ r io.Reader }

func (s sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

func ff01(msg string, err error) *batch.FileError {
	return &batch.FileError{Code: batch.FF01, Message: msg, Err: err}
}

// classify turns what went wrong while reading into the error the caller
// acts on: a *batch.FileError for anything the file is to blame for, the
// wrapped I/O error otherwise.
func classify(err error) error {
	var fe *batch.FileError
	if errors.As(err, &fe) {
		return fe
	}
	var re *readError
	if errors.As(err, &re) {
		return fmt.Errorf("pain001: reading input: %w", re.err)
	}
	switch {
	case errors.Is(err, errTokenTooLarge):
		return ff01(fmt.Sprintf("a text node or tag is larger than %d bytes", MaxTokenBytes), err)
	case errors.Is(err, errTooDeep), errors.Is(err, errTxTooLarge), errors.Is(err, errTooManyBlocks):
		return ff01(err.Error(), err)
	case errors.Is(err, errDirective):
		return ff01("the file contains a DOCTYPE or other directive, which payment files never need (entity expansion is refused)", err)
	case errors.Is(err, errTruncated), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return ff01("the file ends before the document is complete (truncated?)", err)
	}
	return ff01("malformed XML: "+err.Error(), err)
}
