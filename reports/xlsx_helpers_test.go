package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// cellModelSummary is WriteSummaryXLSX as it was before the streaming
// edit: excelize loads the workbook, sets the cells and saves it. It holds
// the whole sheet in memory, but its result is what "the same summary"
// means: the streaming edit must give the same cells, values and styles.
func cellModelSummary(w io.Writer, original io.Reader, sheet string, headerRow int, batchID string, results iter.Seq[PaymentResult]) error {
	f, err := excelize.OpenReader(original)
	if err != nil {
		return err
	}
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetList()[0]
	}
	if headerRow <= 0 {
		headerRow = 1
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return err
	}
	lastCol, header := 0, []string(nil)
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		lastCol = max(lastCol, len(cols))
		if n == headerRow {
			header = cols
		}
	}
	rows.Close()
	set := func(col, row int, v string) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellStr(sheet, cell, stripForbidden(v))
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
			if v != "" {
				if err := set(lastCol+1+i, r.Payment.Row, v); err != nil {
					return err
				}
			}
		}
	}
	return f.Write(w)
}

// sameCells fails unless the two workbooks have the same sheets and, on
// every sheet, the same value, formula and style in every cell of the
// used range.
func sameCells(t *testing.T, want, got []byte) {
	t.Helper()
	wf, err := excelize.OpenReader(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	gf, err := excelize.OpenReader(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("the summary does not open: %v", err)
	}
	defer gf.Close()
	if w, g := strings.Join(wf.GetSheetList(), "|"), strings.Join(gf.GetSheetList(), "|"); w != g {
		t.Fatalf("sheets %s, want %s", g, w)
	}
	for _, s := range wf.GetSheetList() {
		wr, err := wf.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		gr, err := gf.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatalf("sheet %s of the summary: %v", s, err)
		}
		nr, nc := max(len(wr), len(gr)), 0
		for _, r := range append(wr, gr...) {
			nc = max(nc, len(r))
		}
		bad := 0
		for r := 1; r <= nr+1; r++ {
			for c := 1; c <= nc+1; c++ {
				name, _ := excelize.CoordinatesToCellName(c, r)
				wv, _ := wf.GetCellValue(s, name, excelize.Options{RawCellValue: true})
				gv, _ := gf.GetCellValue(s, name, excelize.Options{RawCellValue: true})
				wfm, _ := wf.GetCellFormula(s, name)
				gfm, _ := gf.GetCellFormula(s, name)
				ws, _ := wf.GetCellStyle(s, name)
				gs, _ := gf.GetCellStyle(s, name)
				if wv != gv || wfm != gfm || ws != gs {
					t.Errorf("%s!%s = %.60q formula %q style %d, want %.60q formula %q style %d", s, name, gv, gfm, gs, wv, wfm, ws)
					if bad++; bad > 20 {
						t.FailNow()
					}
				}
			}
		}
	}
}

// partsKept fails unless every zip entry of out but the one named edited
// is the entry of in, at the same place, compressed bytes and all.
func partsKept(t *testing.T, in, out []byte, edited string) {
	t.Helper()
	zi, err := zip.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	zo, err := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Fatalf("the summary is not a zip: %v", err)
	}
	if len(zi.File) != len(zo.File) {
		t.Fatalf("%d zip entries, want %d", len(zo.File), len(zi.File))
	}
	seen := false
	for i, fi := range zi.File {
		fo := zo.File[i]
		if fo.Name != fi.Name {
			t.Fatalf("entry %d is %s, want %s", i, fo.Name, fi.Name)
		}
		if fi.Name == edited {
			seen = true
			continue
		}
		if fo.CRC32 != fi.CRC32 || fo.Method != fi.Method || fo.CompressedSize64 != fi.CompressedSize64 {
			t.Errorf("%s: header changed", fi.Name)
		}
		if !bytes.Equal(rawEntry(t, fi), rawEntry(t, fo)) {
			t.Errorf("%s: bytes changed", fi.Name)
		}
	}
	if !seen {
		t.Fatalf("no entry %s", edited)
	}
}

func rawEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// entry is the inflated content of a zip entry.
func entry(t *testing.T, xlsx []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no entry %s", name)
	return nil
}

// sheetInOrder checks a worksheet part is well-formed XML whose rows, and
// cells within each row, come in strictly increasing order with no
// duplicate: Excel calls anything else a corrupt file.
func sheetInOrder(part []byte) error {
	d := xml.NewDecoder(bytes.NewReader(part))
	var path []string
	row, col := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			path = append(path, el.Name.Local)
			at := strings.Join(path, "/")
			r := ""
			for _, a := range el.Attr {
				if a.Name.Local == "r" && a.Name.Space == "" {
					r = a.Value
				}
			}
			switch at {
			case "worksheet/sheetData/row":
				n := row + 1
				if r != "" {
					n, _ = strconv.Atoi(r)
				}
				if n <= row {
					return fmt.Errorf("row %d after row %d", n, row)
				}
				row, col = n, 0
			case "worksheet/sheetData/row/c":
				n := col + 1
				if r != "" {
					c, rr, ok := parseCellRef([]byte(r))
					if !ok || rr != row {
						return fmt.Errorf("cell %s in row %d", r, row)
					}
					n = c
				}
				if n <= col {
					return fmt.Errorf("row %d: column %d after column %d", row, n, col)
				}
				col = n
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}

// handWorkbook builds a workbook from worksheet XML as another program
// may have written it: each sheet's part is taken as it is. A shared
// string starting with <si> is taken as XML.
type handSheet struct{ name, xml string }

func handWorkbook(t testing.TB, sheets []handSheet, sst []string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		// Parts are stored, not deflated, so that a summary that
		// recompressed them would show.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	const hdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	ct := hdr + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	wb := hdr + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`
	rels := hdr + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	for i, s := range sheets {
		ct += fmt.Sprintf(`<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		wb += fmt.Sprintf(`<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, s.name, i+1, i+1)
		rels += fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	if sst != nil {
		ct += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		rels += `<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	put("[Content_Types].xml", ct+`</Types>`)
	put("_rels/.rels", hdr+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", wb+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", rels+`</Relationships>`)
	put("xl/styles.xml", hdr+`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`)
	for i, s := range sheets {
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), s.xml)
	}
	if sst != nil {
		var b strings.Builder
		fmt.Fprintf(&b, `%s<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, hdr, len(sst), len(sst))
		for _, s := range sst {
			if s == "" {
				b.WriteString(`<si><t/></si>`)
				continue
			}
			if strings.HasPrefix(s, "<si>") {
				b.WriteString(s)
				continue
			}
			b.WriteString(`<si><t xml:space="preserve">`)
			xml.EscapeText(&b, []byte(s))
			b.WriteString(`</t></si>`)
		}
		put("xl/sharedStrings.xml", b.String()+`</sst>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// worksheet wraps sheetData (and what goes before it) in a worksheet
// element of the main namespace.
func worksheet(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		body + `</worksheet>`
}

// is is an inline string cell.
func is(ref, text string) string {
	return `<c r="` + ref + `" t="inlineStr"><is><t>` + text + `</t></is></c>`
}
