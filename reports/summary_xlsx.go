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
// results may come in any order.
//
// It is a streaming edit, not a load and save: every zip entry but the
// sheet's part is copied compressed as it is (byte for byte), and the
// sheet's part is rewritten as a byte stream with the summary cells
// inserted (see sheetEdit). Memory is the results grouped by row plus
// buffers, whatever the size of the sheet: loading a 100,000-row sheet into
// excelize's cell model to set cells took about 1.4 GiB. original is read
// at random (a zip); an *os.File or *bytes.Reader is used in place, any
// other reader is spooled to a temporary file first.
func WriteSummaryXLSX(w io.Writer, original io.Reader, sheet string, headerRow int, batchID string, results iter.Seq[PaymentResult]) error {
	ra, size, done, err := readerAt(original)
	if err != nil {
		return err
	}
	defer done()
	pkg, err := openXLSXPackage(ra, size, sheet)
	if err != nil {
		return err
	}
	if headerRow <= 0 {
		headerRow = 1
	}
	if headerRow > maxSheetRows {
		return fmt.Errorf("reports: header row %d is beyond the last sheet row", headerRow)
	}
	targets, err := collectTargets(results, headerRow, batchID)
	if err != nil {
		return err
	}
	sst, err := readSharedStrings(pkg.sst, nil)
	if err != nil {
		return err
	}
	facts, err := scanPart(pkg.sheet, sst, headerRow, targets)
	if err != nil {
		return err
	}
	if facts.lastCol+len(SummaryColumns) > maxSheetCols {
		return fmt.Errorf("reports: no room for the summary columns right of column %d", facts.lastCol)
	}
	targets[0].vals = summaryHeader(facts.header)
	edit := newSheetEdit(targets, facts.lastCol+1)
	zw := zip.NewWriter(w)
	for _, f := range pkg.zr.File {
		if f != pkg.sheet {
			if err := zw.Copy(f); err != nil {
				return fmt.Errorf("reports: write XLSX summary: copy %s: %w", f.Name, err)
			}
			continue
		}
		if err := rewritePart(zw, f, edit.rewrite); err != nil {
			return err
		}
	}
	if err := zw.SetComment(pkg.zr.Comment); err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	return nil
}

func scanPart(f *zip.File, sst *sharedStrings, headerRow int, targets rowTargets) (sheetFacts, error) {
	rc, err := f.Open()
	if err != nil {
		return sheetFacts{}, fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	defer rc.Close()
	facts, err := scanSheet(rc, sst, headerRow, targets)
	if err != nil {
		return facts, fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	return facts, nil
}

// rewritePart writes f, deflated, through edit.
func rewritePart(zw *zip.Writer, f *zip.File, edit func(io.Writer, io.Reader) error) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("reports: read %s: %w", f.Name, err)
	}
	defer rc.Close()
	pw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Comment: f.Comment, Method: zip.Deflate, Modified: f.Modified})
	if err != nil {
		return fmt.Errorf("reports: write XLSX summary: %w", err)
	}
	if err := edit(pw, rc); err != nil {
		return fmt.Errorf("reports: rewrite %s: %w", f.Name, err)
	}
	return nil
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
