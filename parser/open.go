package parser

import (
	"errors"
	"io"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/csv"
	"github.com/paybatch/paybatch/parser/pain001"
	"github.com/paybatch/paybatch/parser/xlsx"
)

// Options tune Open.
type Options struct {
	Sheet           string // XLSX: the sheet to read; "" is the first
	DefaultCurrency string // CSV/XLSX rows naming no currency; "" is EUR
}

// ReadCloser is a Reader whose resources (excelize's temporary files) are
// released by Close. Close is safe to call more than once.
type ReadCloser interface {
	Reader
	io.Closer
}

// Open recognises a payout file by its content, never its name, and returns
// a streaming reader for it. A file that is empty or neither pain.001 XML,
// XLSX nor delimited text is a *batch.FileError with FF01.
func Open(r io.ReaderAt, size int64, opts Options) (ReadCloser, error) {
	if size <= 0 {
		return nil, &batch.FileError{Code: batch.FF01, Message: "empty file"}
	}
	head := make([]byte, min(size, SniffLen))
	if n, err := r.ReadAt(head, 0); err != nil && !(errors.Is(err, io.EOF) && n == len(head)) {
		return nil, &batch.FileError{Code: batch.FF01, Message: "file unreadable", Err: err}
	}
	switch Sniff(head) {
	case KindXML:
		pr, err := pain001.NewReader(io.NewSectionReader(r, 0, size))
		if err != nil {
			return nil, err
		}
		return nopCloser{pr}, nil
	case KindXLSX:
		return xlsx.NewReader(r, size, xlsx.Options{Sheet: opts.Sheet, DefaultCurrency: opts.DefaultCurrency})
	case KindCSV:
		cr, err := csv.NewReader(io.NewSectionReader(r, 0, size), csv.Options{DefaultCurrency: opts.DefaultCurrency})
		if err != nil {
			return nil, err
		}
		return nopCloser{cr}, nil
	}
	return nil, &batch.FileError{Code: batch.FF01, Message: "not a pain.001 XML, CSV or XLSX file"}
}

// XLSXLayout tells the summary writer which sheet a workbook's payments
// were read from and on which row their header stands.
func XLSXLayout(r io.ReaderAt, size int64) (sheet string, headerRow int, err error) {
	xr, err := xlsx.NewReader(r, size, xlsx.Options{})
	if err != nil {
		return "", 0, err
	}
	defer xr.Close()
	return xr.Sheet(), xr.HeaderRow(), nil
}

type nopCloser struct{ Reader }

func (nopCloser) Close() error { return nil }
