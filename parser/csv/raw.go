package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"golang.org/x/text/encoding/charmap"
)

// MaxRecordBytes is the default cap on one record (one line, or several
// when a quoted field holds newlines). A longer record makes the file FF01
// instead of making paybatch hold it in memory.
const MaxRecordBytes = 1 << 20

var errRecordTooLong = errors.New("record too long")

// RawReader iterates the records of a CSV file in a known dialect, every
// row including titles and the header, as the file has them. The reports
// package uses it to write the user's sheet back with status columns.
type RawReader struct {
	rr  *recordReader
	max int
	row int // row of the last record returned
	err error
}

// NewRawReader reads r in dialect d (Delimiter and Encoding; a BOM is
// skipped). Records longer than MaxRecordBytes fail with an FF01.
func NewRawReader(r io.Reader, d Dialect) *RawReader {
	return newRawReader(r, d, MaxRecordBytes)
}

func newRawReader(r io.Reader, d Dialect, max int) *RawReader {
	if max <= 0 {
		max = MaxRecordBytes
	}
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	var src io.Reader = br
	if d.Encoding == EncodingWindows1252 {
		src = charmap.Windows1252.NewDecoder().Reader(br)
	}
	delim := byte(d.Delimiter)
	if d.Delimiter == 0 || d.Delimiter >= utf8.RuneSelf {
		delim = ','
	}
	return &RawReader{
		rr:  newRecordReader(src, delim, max, d.Encoding != EncodingWindows1252),
		max: max,
	}
}

// Next returns the next record and its 1-based line number; blank lines are
// skipped. fields is valid until the following call. At the end it returns
// io.EOF; an over-long record is a *batch.FileError (FF01).
func (r *RawReader) Next() (row int, fields []string, err error) {
	if r.err != nil {
		return 0, nil, r.err
	}
	fields, row, err = r.rr.Read()
	if err != nil {
		r.fail(err)
		return 0, nil, r.err
	}
	r.row = row
	return row, fields, nil
}

// fail sets r.err from the read error err.
func (r *RawReader) fail(err error) {
	switch {
	case errors.Is(err, errRecordTooLong):
		r.err = &batch.FileError{Code: batch.FF01,
			Message: fmt.Sprintf("record after line %d is longer than %d bytes", r.row, r.max)}
	case errors.Is(err, io.EOF):
		r.err = err
	default:
		r.err = fmt.Errorf("read csv after line %d: %w", r.row, err)
	}
}

// repair decodes fields that are not valid UTF-8 as Windows-1252: a file
// that looked like UTF-8 in its first 64 KiB but carries Excel's Western
// encoding further down (an "ü" typed into row 5000) reads as the user sees
// it instead of as replacement characters.
func repair(fields []string) {
	for i, f := range fields {
		if !utf8.ValidString(f) {
			if s, err := charmap.Windows1252.NewDecoder().String(f); err == nil {
				fields[i] = s
			}
		}
	}
}
