package xlsx

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/tabular"
	"github.com/xuri/excelize/v2"
)

// Limits that keep a hostile workbook (a zip bomb, a huge file) from eating
// memory: they turn into FF01. Variables so tests can lower them.
var (
	// MaxFileBytes caps the compressed workbook, which excelize holds in memory.
	MaxFileBytes int64 = 64 << 20
	// unzipSizeLimit caps the total unpacked size of all parts.
	unzipSizeLimit int64 = 512 << 20
	// unzipXMLSizeLimit is how much of a worksheet excelize unpacks into
	// memory; larger sheets go through a temporary file.
	unzipXMLSizeLimit int64 = 16 << 20
)

// Options tune the reader; the zero value reads the first sheet in EUR.
type Options struct {
	Sheet           string // sheet name; "" is the first sheet
	DefaultCurrency string // when nothing in the file names one; "" means EUR
}

// Reader streams the payments of one sheet. It implements parser.Reader.
// Close it when done: excelize may spill a large sheet to a temporary file.
type Reader struct {
	f        *excelize.File
	rows     *excelize.Rows
	date1904 bool
	mapping  *tabular.Mapping
	header   *batch.Header
	info     *batch.PaymentInfo
	opts     Options
	pending  [][]string // rows read while looking for the header
	row      int        // sheet row number of the last row read
	index    int
	err      error

	sheet     string // the sheet read
	headerRow int    // 1-based sheet row of the header
}

// Sheet is the name of the sheet being read.
func (r *Reader) Sheet() string { return r.sheet }

// HeaderRow is the 1-based sheet row of the header: the summary adds its
// status columns on that row.
func (r *Reader) HeaderRow() int { return r.headerRow }

// NewReader opens the workbook and finds the header row of the sheet. A
// file that is not a workbook, too large, has no such sheet or no usable
// header is a *batch.FileError (FF01).
func NewReader(r io.ReaderAt, size int64, opts Options) (*Reader, error) {
	if size <= 0 {
		return nil, &batch.FileError{Code: batch.FF01, Message: "empty file"}
	}
	if size > MaxFileBytes {
		return nil, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf("workbook larger than %d MiB", MaxFileBytes>>20)}
	}
	if err := checkZip(r, size); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    unzipSizeLimit,
		UnzipXMLSizeLimit: unzipXMLSizeLimit,
		RawCellValue:      true,
	})
	if err != nil {
		return nil, &batch.FileError{Code: batch.FF01, Message: "not a readable XLSX workbook", Err: err}
	}
	rd, err := open(f, opts)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return rd, nil
}

func open(f *excelize.File, opts Options) (*Reader, error) {
	sheets := f.GetSheetList()
	sheet := opts.Sheet
	if sheet == "" && len(sheets) > 0 {
		sheet = sheets[0]
	}
	if !slices.Contains(sheets, sheet) {
		return nil, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf("no sheet %q in the workbook (sheets: %s)", sheet, strings.Join(sheets, ", "))}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf("sheet %q unreadable", sheet), Err: err}
	}
	rd := &Reader{f: f, rows: rows, opts: opts,
		header: &batch.Header{Format: "xlsx", MessageName: "xlsx"},
		info:   &batch.PaymentInfo{Index: 1, Method: "TRF"},
	}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		rd.date1904 = *props.Date1904
	}
	var top [][]string
	for len(top) < tabular.HeaderScanRows {
		cells, ok, err := rd.next()
		if err != nil {
			_ = rows.Close()
			return nil, err
		}
		if !ok {
			break
		}
		top = append(top, cells)
	}
	at, m, err := tabular.FindHeader(top)
	if err != nil {
		_ = rows.Close()
		return nil, err
	}
	rd.mapping = m
	rd.sheet = sheet
	rd.headerRow = at + 1
	rd.pending = top[at+1:]
	rd.row = len(top) - len(rd.pending) // pending rows are numbered from here
	if len(top) == 0 {
		rd.row = 0
	}
	return rd, nil
}

// next reads the next sheet row; the row number advances with every call,
// empty rows included, so it always matches the sheet.
func (r *Reader) next() ([]string, bool, error) {
	if !r.rows.Next() {
		if err := r.rows.Error(); err != nil {
			return nil, false, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf("sheet unreadable after row %d", r.row), Err: err}
		}
		return nil, false, nil
	}
	cells, err := r.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, false, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf("sheet row %d unreadable", r.row+1), Err: err}
	}
	return cells, true, nil
}

// Header reports Format "xlsx"; workbooks carry no group header.
func (r *Reader) Header() *batch.Header { return r.header }

// Infos is the one implied payment-information block.
func (r *Reader) Infos() []*batch.PaymentInfo { return []*batch.PaymentInfo{r.info} }

// Next returns the next payment, io.EOF after the last, or a
// *batch.FileError (no payment rows, a broken sheet).
func (r *Reader) Next() (*batch.Payment, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		var cells []string
		if len(r.pending) > 0 {
			cells, r.pending = r.pending[0], r.pending[1:]
		} else {
			c, ok, err := r.next()
			if err == nil && !ok {
				err = io.EOF
				if r.index == 0 {
					err = &batch.FileError{Code: batch.FF01, Message: "no payment rows below the header"}
				}
			}
			if err != nil {
				r.err = err
				_ = r.Close()
				return nil, err
			}
			cells = c
		}
		r.row++
		if blank(cells) {
			continue
		}
		r.index++
		return r.payment(cells), nil
	}
}

// payment converts the stored values of typed cells, then maps the row.
func (r *Reader) payment(cells []string) *batch.Payment {
	// Sheet cells sit in their columns: a short row only means empty cells
	// at its end, and a note in an unnamed column shifts nothing. So the
	// row is fitted to the header rather than checked like a CSV line.
	w := r.mapping.Width()
	if len(cells) > w {
		cells = cells[:w]
	}
	for len(cells) < w {
		cells = append(cells, "")
	}
	set := func(f tabular.Field, conv func(string) string) {
		if i := r.mapping.Column(f); i >= 0 && i < len(cells) {
			cells[i] = conv(cells[i])
		}
	}
	set(tabular.Amount, exactNumber)
	set(tabular.RequestedExecutionDate, func(s string) string { return dateCell(s, r.date1904) })
	ibanRaw := ""
	if i := r.mapping.Column(tabular.CreditorIBAN); i >= 0 && i < len(cells) {
		ibanRaw = cells[i]
	}
	p := r.mapping.Payment(cells, r.index, r.row, r.info, r.opts.DefaultCurrency)
	if scientific(ibanRaw) {
		p.AddIssue(tabular.CreditorIBAN.Name(), batch.AC01, fmt.Sprintf(
			"account %q is a number in scientific notation, digits are lost: format the column as text", ibanRaw))
	}
	return p
}

// Close releases the workbook and any temporary file. Next calls it at the
// end; calling it again is harmless.
func (r *Reader) Close() error {
	if r.f == nil {
		return nil
	}
	err := errors.Join(r.rows.Close(), r.f.Close())
	r.f = nil
	return err
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
