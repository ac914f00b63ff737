package csv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/tabular"
)

// Options tune the reader; the zero value is the default.
type Options struct {
	// DefaultCurrency applies when the file has no currency column and the
	// amount names none; "" means EUR.
	DefaultCurrency string
	// MaxRecordBytes caps one record; 0 means MaxRecordBytes.
	MaxRecordBytes int
}

// Reader streams the payments of a CSV file. It implements parser.Reader.
type Reader struct {
	raw     *RawReader
	dialect Dialect
	mapping *tabular.Mapping
	header  *batch.Header
	info    *batch.PaymentInfo
	opts    Options
	index   int
	err     error
}

// NewReader sniffs encoding, delimiter and header row from the start of r
// and returns a reader positioned after the header. A file that is empty,
// binary or has no usable header is a *batch.FileError (FF01).
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	chunk, err := br.Peek(sniffSize)
	full := err == nil
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	if len(bytes.TrimSpace(chunk)) == 0 {
		return nil, &batch.FileError{Code: batch.FF01, Message: "empty file"}
	}
	if bytes.IndexByte(chunk, 0) >= 0 {
		return nil, errNotText
	}
	enc := sniffEncoding(chunk, full)
	sn, err := sniffHeader(decodeChunk(chunk, enc))
	if err != nil {
		return nil, err
	}
	d := Dialect{Delimiter: sn.delim, Encoding: enc}
	raw := newRawReader(br, d, opts.MaxRecordBytes)
	for i := 0; i <= sn.headerRec; i++ {
		row, _, err := raw.Next()
		if err != nil {
			return nil, &batch.FileError{Code: batch.FF01, Message: "header row unreadable", Err: err}
		}
		d.HeaderRow = row
	}
	return &Reader{
		raw:     raw,
		dialect: d,
		mapping: sn.mapping,
		header:  &batch.Header{Format: "csv", MessageName: "csv"},
		info:    &batch.PaymentInfo{Index: 1, Method: "TRF"},
		opts:    opts,
	}, nil
}

// Dialect is what NewReader found out about the file.
func (r *Reader) Dialect() Dialect { return r.dialect }

// Header reports Format "csv"; CSV files carry no group header.
func (r *Reader) Header() *batch.Header { return r.header }

// Infos is the one implied payment-information block.
func (r *Reader) Infos() []*batch.PaymentInfo { return []*batch.PaymentInfo{r.info} }

// Next returns the next payment, io.EOF after the last, or a
// *batch.FileError when the file turns out unusable (no payment rows, an
// over-long record).
func (r *Reader) Next() (*batch.Payment, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		row, fields, err := r.raw.Next()
		if err != nil {
			if errors.Is(err, io.EOF) && r.index == 0 {
				err = &batch.FileError{Code: batch.FF01, Message: "no payment rows below the header"}
			}
			r.err = err
			return nil, err
		}
		if blank(fields) {
			continue // ";;;;" lines Excel leaves below the data
		}
		r.index++
		return r.mapping.Payment(fields, r.index, row, r.info, r.opts.DefaultCurrency), nil
	}
}

func blank(fields []string) bool {
	for _, f := range fields {
		if f != "" && f[0] > ' ' && f[0] < utf8.RuneSelf || strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
