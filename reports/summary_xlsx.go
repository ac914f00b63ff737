package reports

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/xuri/excelize/v2"
)

// ErrSheet is returned when the input workbook has no such sheet.
var ErrSheet = errors.New("reports: sheet not found")

// WriteSummaryXLSX writes the user's own workbook back with SummaryColumns
// added to the right of the sheet's last used column, on the header row and
// on each row a payment was read from. No existing cell is touched, so
// every original value, formula, style and other sheet stays as it was.
// Accountants want their sheet back with a status per line; a separate
// status sheet would make them match rows by hand.
//
// sheet is the sheet the payments were read from ("" for the first);
// headerRow is its 1-based header row. The added cells are string cells,
// which a spreadsheet never evaluates, so they are not quote-prefixed.
// results may come in any order. Memory: excelize holds the workbook in
// memory to modify it, as any edit of an XLSX in place must; the results
// themselves stream.
func WriteSummaryXLSX(w io.Writer, original io.Reader, sheet string, headerRow int, batchID string, results iter.Seq[PaymentResult]) error {
	f, err := excelize.OpenReader(original)
	if err != nil {
		return fmt.Errorf("reports: open input workbook: %w", err)
	}
	defer f.Close()
	if sheet == "" {
		list := f.GetSheetList()
		if len(list) == 0 {
			return fmt.Errorf("%w: the workbook has no sheets", ErrSheet)
		}
		sheet = list[0]
	}
	if i, err := f.GetSheetIndex(sheet); err != nil || i < 0 {
		return fmt.Errorf("%w: %q", ErrSheet, sheet)
	}
	if headerRow <= 0 {
		headerRow = 1
	}
	lastCol, header, err := scanSheet(f, sheet, headerRow)
	if err != nil {
		return err
	}
	set := func(col, row int, v string) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return fmt.Errorf("reports: summary cell: %w", err)
		}
		if err := f.SetCellStr(sheet, cell, stripForbidden(v)); err != nil {
			return fmt.Errorf("reports: set summary cell %s: %w", cell, err)
		}
		return nil
	}
	for i, name := range summaryHeader(header) {
		if err := set(lastCol+1+i, headerRow, name); err != nil {
			return err
		}
	}
	for r := range results {
		if r.Payment == nil || r.Payment.Row <= headerRow {
			continue
		}
		for i, v := range summaryValues(r, batchID) {
			if v == "" {
				continue
			}
			if err := set(lastCol+1+i, r.Payment.Row, v); err != nil {
				return err
			}
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	return nil
}

// scanSheet finds the sheet's last used column (so the added columns go
// right of every user cell on every row) and reads the header row.
func scanSheet(f *excelize.File, sheet string, headerRow int) (lastCol int, header []string, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return 0, nil, fmt.Errorf("reports: read sheet %q: %w", sheet, err)
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return 0, nil, fmt.Errorf("reports: read sheet %q row %d: %w", sheet, n, err)
		}
		lastCol = max(lastCol, len(cols))
		if n == headerRow {
			header = cols
		}
	}
	if err := rows.Error(); err != nil {
		return 0, nil, fmt.Errorf("reports: read sheet %q: %w", sheet, err)
	}
	return lastCol, header, nil
}

// WritePaymentsXLSX writes the summary of a pain.001 input as a workbook
// with one "Payments" sheet: PaymentColumns and SummaryColumns, one row per
// payment. It writes the zip itself, straight to w, row by row: excelize's
// File.Write builds the whole zipped workbook in a bytes.Buffer first,
// which for a million payments is hundreds of MB. Cells are inline
// strings; amounts are text cells holding the exact decimal: a numeric
// cell would go through float64, which money never does here.
func WritePaymentsXLSX(w io.Writer, batchID string, results iter.Seq[PaymentResult]) error {
	zw := zip.NewWriter(w)
	for _, part := range paymentsWorkbookParts {
		pw, err := zw.Create(part.name)
		if err != nil {
			return fmt.Errorf("reports: write XLSX summary: %w", err)
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return fmt.Errorf("reports: write XLSX summary: %w", err)
		}
	}
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	if err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	bw := bufio.NewWriterSize(pw, 64<<10)
	bw.WriteString(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := 1
	put := func(values []string) error {
		fmt.Fprintf(bw, `<row r="%d">`, row)
		for i, v := range values {
			v = stripForbidden(v)
			if v == "" {
				continue
			}
			col, err := excelize.ColumnNumberToName(i + 1)
			if err != nil {
				return fmt.Errorf("reports: XLSX summary row %d: %w", row, err)
			}
			fmt.Fprintf(bw, `<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">`, col, row)
			if err := xml.EscapeText(bw, []byte(v)); err != nil {
				return fmt.Errorf("reports: XLSX summary row %d: %w", row, err)
			}
			bw.WriteString(`</t></is></c>`)
		}
		bw.WriteString(`</row>`)
		row++
		return nil
	}
	if err := put(append(append([]string(nil), PaymentColumns...), SummaryColumns...)); err != nil {
		return err
	}
	for r := range results {
		if err := put(append(paymentValues(r.Payment), summaryValues(r, batchID)...)); err != nil {
			return err
		}
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	return nil
}

// paymentsWorkbookParts are the fixed parts of the one-sheet summary.
var paymentsWorkbookParts = []struct{ name, body string }{
	{"[Content_Types].xml", xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
	{"_rels/.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
	{"xl/workbook.xml", xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Payments" sheetId="1" r:id="rId1"/></sheets></workbook>`},
	{"xl/_rels/workbook.xml.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
}
