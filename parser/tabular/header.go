package tabular

import (
	"fmt"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// HeaderScanRows is how many rows above the data the readers look through
// for the header: enough for a title, a date line and some blank lines.
const HeaderScanRows = 20

// Mapping says which cell of a row holds which template column.
type Mapping struct {
	cols    [numFields]int // cell index per field, -1 when absent
	width   int            // number of cells in the header row
	known   int            // how many distinct fields the header names
	hintCcy string         // currency from an "Amount (EUR)" header

	// The last execution date normalised, as written and as normalised:
	// a batch nearly always has one date, and this saves a string per row.
	// It makes a Mapping one reader's, not safe for concurrent use.
	lastDate, lastDateNorm string
}

// NewMapping maps a header row. Unknown columns are ignored; when two
// columns name the same field, the template's own name wins over an alias,
// and otherwise the leftmost column.
func NewMapping(header []string) *Mapping {
	m := &Mapping{width: len(header)}
	canonical := [numFields]bool{}
	for i := range m.cols {
		m.cols[i] = -1
	}
	for i, h := range header {
		ref, ok := lookupColumn(h)
		if !ok {
			continue
		}
		f := ref.field
		if m.cols[f] >= 0 && (canonical[f] || !ref.canonical) {
			continue
		}
		if m.cols[f] < 0 {
			m.known++
		}
		m.cols[f] = i
		canonical[f] = ref.canonical
		if f == Amount {
			if c := strings.ToUpper(parenthesised(h)); isCurrency(c) {
				m.hintCcy = c
			}
		}
	}
	return m
}

// Column returns the cell index of f, or -1.
func (m *Mapping) Column(f Field) int { return m.cols[f] }

// Width is the number of cells in the header row.
func (m *Mapping) Width() int { return m.width }

// plausible reports whether the row can be the header: at least two known
// columns, one of them the amount or the creditor IBAN.
func (m *Mapping) plausible() bool {
	return m.known >= 2 && (m.cols[Amount] >= 0 || m.cols[CreditorIBAN] >= 0)
}

// required are the columns without which no payment can be made.
var required = []Field{Amount, CreditorName, CreditorIBAN}

// check returns an FF01 naming the required columns the header lacks.
func (m *Mapping) check(header []string) error {
	var missing []string
	for _, f := range required {
		if m.cols[f] < 0 {
			missing = append(missing, f.Name())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	msg := fmt.Sprintf("header row lacks required column(s) %s", strings.Join(missing, ", "))
	if m.cols[CreditorIBAN] < 0 && namesDebtorOnly(header) {
		// sepa.js-style collection lists name the counterparty "debtor":
		// paying them out would move money the wrong way, so say why.
		msg += " (the file names debtor columns only: a direct-debit collection list cannot be paid out)"
	}
	return &batch.FileError{Code: batch.FF01, Message: msg}
}

func namesDebtorOnly(header []string) bool {
	debtor := false
	for _, h := range header {
		k := key(h)
		if strings.HasPrefix(k, "creditor") {
			return false
		}
		if strings.HasPrefix(k, "debtor") {
			debtor = true
		}
	}
	return debtor
}

// FindHeader picks the header among the first rows of a sheet: the row
// naming the most template columns (the first such row on a tie). It
// returns the row's 0-based position in rows and its mapping, or an FF01
// when no row qualifies or the best one lacks a required column.
func FindHeader(rows [][]string) (int, *Mapping, error) {
	best, bestAt := (*Mapping)(nil), -1
	for i, row := range rows {
		if i >= HeaderScanRows {
			break
		}
		m := NewMapping(row)
		if m.plausible() && (best == nil || m.known > best.known) {
			best, bestAt = m, i
		}
	}
	if best == nil {
		return -1, nil, &batch.FileError{Code: batch.FF01, Message: fmt.Sprintf(
			"no header row in the first %d rows: expected column names such as %s",
			HeaderScanRows, strings.Join(TemplateColumns[:5], ", "))}
	}
	if err := best.check(rows[bestAt]); err != nil {
		return -1, nil, err
	}
	return bestAt, best, nil
}

// Score is how many template columns a row names (0 for a data row); the
// CSV reader uses it to choose the delimiter.
func Score(row []string) int {
	m := NewMapping(row)
	if !m.plausible() {
		return 0
	}
	return m.known
}

func isCurrency(c string) bool {
	_, ok := batch.CurrencyExponent(c)
	return ok
}
