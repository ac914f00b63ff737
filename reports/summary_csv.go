package reports

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Encodings of a CSV summary: the input's, so the user's tools read the
// summary exactly as they read what they sent.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingWindows1252 = "windows-1252"
)

// ErrEncoding is returned for an encoding paybatch does not write.
var ErrEncoding = errors.New("reports: unsupported CSV encoding")

// CSVDialect is how the input CSV was written.
type CSVDialect struct {
	Delimiter rune   // ',' ';' or '\t'; ',' when zero
	Encoding  string // one of the Encoding constants; UTF-8 when empty
	// HeaderRow is the 1-based row of the column names; rows above it
	// (titles, notes) are copied unchanged. 0 means the first row.
	HeaderRow int
}

// RowSource gives back the input's raw rows in file order, as the CSV
// parser read them: row is the 1-based row number (the one Payment.Row
// holds). Next returns io.EOF after the last row. The parser provides it;
// it is defined here so reports does not depend on the parser.
type RowSource interface {
	Next() (row int, fields []string, err error)
}

// WriteSummaryCSV writes the user's own CSV back with SummaryColumns
// added: title rows as they were, the header with the added names, each
// data row with the status of the payment read from it.
//
// results must be ordered by Payment.Row (as a store query ordered by row
// is); the two streams are merged in one walk, so memory stays flat however
// many rows there are. Rows without a payment (blank lines) get empty added
// cells. Cells that a spreadsheet would execute are neutralised (see
// Neutralize), the user's included: the summary is meant to be opened with
// a double click.
func WriteSummaryCSV(w io.Writer, d CSVDialect, batchID string, rows RowSource, results iter.Seq[PaymentResult]) error {
	cw, enc, err := newCSVWriter(w, d)
	if err != nil {
		return err
	}
	next, stop := iter.Pull(results)
	defer stop()
	pending, more := next()

	headerRow := d.HeaderRow
	width := 0
	for first := true; ; first = false {
		row, fields, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reports: read input row: %w", err)
		}
		if first && headerRow <= 0 {
			headerRow = row
		}
		var out []string
		switch {
		case row < headerRow:
			out = fields
		case row == headerRow:
			width = len(fields)
			out = append(append([]string(nil), fields...), summaryHeader(fields)...)
		default:
			// Short rows are padded so the added cells stay under their
			// header; a row longer than the header keeps every user cell.
			out = append([]string(nil), fields...)
			for len(out) < width {
				out = append(out, "")
			}
			for more && (pending.Payment == nil || pending.Payment.Row < row) {
				pending, more = next()
			}
			if more && pending.Payment.Row == row {
				out = append(out, summaryValues(pending, batchID)...)
			} else {
				out = append(out, make([]string, len(SummaryColumns))...)
			}
		}
		if err := writeCSVRecord(cw, enc, out); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reports: write CSV summary: %w", err)
	}
	return nil
}

// encodable replaces what Windows-1252 cannot hold with '?', because the
// encoder would otherwise fail the whole summary on one Chinese name.
type encodable func(string) string

func newCSVWriter(w io.Writer, d CSVDialect) (*csv.Writer, encodable, error) {
	enc := func(s string) string { return s }
	switch strings.ToLower(d.Encoding) {
	case "", EncodingUTF8, "utf8":
	case EncodingUTF8BOM:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, nil, fmt.Errorf("reports: write CSV summary: %w", err)
		}
	case EncodingWindows1252, "cp1252":
		w = charmap.Windows1252.NewEncoder().Writer(w)
		enc = func(s string) string {
			return strings.Map(func(r rune) rune {
				if _, ok := charmap.Windows1252.EncodeRune(r); ok {
					return r
				}
				return '?'
			}, s)
		}
	default:
		return nil, nil, fmt.Errorf("%w: %q", ErrEncoding, d.Encoding)
	}
	cw := csv.NewWriter(w)
	if d.Delimiter != 0 {
		cw.Comma = d.Delimiter
	}
	// CRLF as RFC 4180 and Excel expect.
	cw.UseCRLF = true
	return cw, enc, nil
}

func writeCSVRecord(cw *csv.Writer, enc encodable, fields []string) error {
	rec := make([]string, len(fields))
	for i, f := range fields {
		rec[i] = enc(Neutralize(stripForbidden(f)))
	}
	if err := cw.Write(rec); err != nil {
		return fmt.Errorf("reports: write CSV summary: %w", err)
	}
	return nil
}

// WritePaymentsCSV writes the summary of a pain.001 input, which has no
// rows of its own: one UTF-8, comma-separated row per payment with
// PaymentColumns and SummaryColumns. results are written in the order
// given.
func WritePaymentsCSV(w io.Writer, batchID string, results iter.Seq[PaymentResult]) error {
	cw, enc, err := newCSVWriter(w, CSVDialect{})
	if err != nil {
		return err
	}
	header := append(append([]string(nil), PaymentColumns...), SummaryColumns...)
	if err := writeCSVRecord(cw, enc, header); err != nil {
		return err
	}
	for r := range results {
		rec := append(paymentValues(r.Payment), summaryValues(r, batchID)...)
		if err := writeCSVRecord(cw, enc, rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reports: write CSV summary: %w", err)
	}
	return nil
}
