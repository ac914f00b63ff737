package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/xuri/excelize/v2"
)

func result(row int, st batch.Status, reason batch.ReasonCode, addtl, provider, ref string) PaymentResult {
	return PaymentResult{Payment: &batch.Payment{Row: row}, Status: st, Reason: reason, AddtlInf: addtl, Provider: provider, ProviderRef: ref}
}

// summarize runs both WriteSummaryXLSX and the cell-model summary it
// replaced on in, checks they give the same cells, that every other part
// is kept byte for byte and that the edited sheet is in order, and returns
// the streaming summary.
func summarize(t *testing.T, in []byte, sheet, part string, headerRow int, res []PaymentResult) []byte {
	t.Helper()
	var got, want bytes.Buffer
	if err := WriteSummaryXLSX(&got, bytes.NewReader(in), sheet, headerRow, "b42", seq(res)); err != nil {
		t.Fatal(err)
	}
	if err := cellModelSummary(&want, bytes.NewReader(in), sheet, headerRow, "b42", seq(res)); err != nil {
		t.Fatal(err)
	}
	sameCells(t, want.Bytes(), got.Bytes())
	partsKept(t, in, got.Bytes(), part)
	if err := sheetInOrder(entry(t, got.Bytes(), part)); err != nil {
		t.Errorf("edited sheet: %v\n%s", err, entry(t, got.Bytes(), part))
	}
	return got.Bytes()
}

func cellsAre(t *testing.T, xlsx []byte, sheet string, want map[string]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for c, w := range want {
		if v, _ := f.GetCellValue(sheet, c, excelize.Options{RawCellValue: true}); v != w {
			t.Errorf("%s!%s = %q, want %q", sheet, c, v, w)
		}
	}
}

// TestWriteSummaryXLSXMatchesTheCellModel edits a workbook as people make
// them (excelize writing shared strings, numbers, formulas, styles,
// column and row styles, several sheets, a title above the header) and
// compares every cell with what the cell-model summary gave.
func TestWriteSummaryXLSXMatchesTheCellModel(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Notes"))
	must(f.SetCellValue("Notes", "A1", "keep me"))
	must(f.SetCellFormula("Notes", "B1", "Zahlungen!B4*2"))
	_, err := f.NewSheet("Zahlungen")
	must(err)
	_, err = f.NewSheet("After")
	must(err)
	must(f.SetCellValue("After", "C3", 3.25))
	sh := "Zahlungen"
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	must(err)
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	must(err)
	fill, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	must(err)
	must(f.SetCellValue(sh, "A1", "Lohnlauf November"))
	for i, h := range []string{"end_to_end_id", "amount", "Status", "note"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		must(f.SetCellValue(sh, c, h))
		must(f.SetCellStyle(sh, c, c, bold))
	}
	must(f.SetColStyle(sh, "F", fill)) // a summary column with a style of its own
	var res []PaymentResult
	for row := 4; row <= 60; row++ {
		if row == 30 {
			continue // a payment row with no row element at all: see below
		}
		must(f.SetCellValue(sh, fmt.Sprintf("A%d", row), fmt.Sprintf("E2E-%d", row)))
		must(f.SetCellValue(sh, fmt.Sprintf("B%d", row), float64(row)+0.5))
		must(f.SetCellStyle(sh, fmt.Sprintf("B%d", row), fmt.Sprintf("B%d", row), money))
		if row%7 == 0 {
			must(f.SetCellFormula(sh, fmt.Sprintf("D%d", row), fmt.Sprintf("B%d*2", row)))
		}
		if row%5 == 0 {
			must(f.SetCellValue(sh, fmt.Sprintf("C%d", row), "=not a formula"))
		}
	}
	must(f.SetCellStyle(sh, "G10", "G10", money)) // empty, styled, where a summary cell goes
	must(f.SetCellStyle(sh, "M11", "M11", bold))  // empty, styled, right of the summary
	must(f.SetRowStyle(sh, 12, 12, bold))
	long := strings.Repeat("x", 40000)
	for row := 4; row <= 60; row++ {
		switch {
		case row%9 == 0:
			res = append(res, result(row, batch.RJCT, batch.AC01, `<b>&"quoted" 'x'`+"\x00\x1b\u0007 end", "", ""))
		case row == 44:
			res = append(res, result(row, batch.RJCT, batch.NARR, long, "wirex", ""))
		case row == 46:
			res = append(res, result(row, batch.PDNG, "", "", "", ""))
		default:
			res = append(res, result(row, batch.ACSC, "", "", "solaris", fmt.Sprintf("sol-%d", row)))
		}
	}
	rand.Shuffle(len(res), func(i, j int) { res[i], res[j] = res[j], res[i] })
	var in bytes.Buffer
	must(f.Write(&in))

	got := summarize(t, in.Bytes(), sh, "xl/worksheets/sheet2.xml", 3, res)
	cellsAre(t, got, sh, map[string]string{
		"E3": "status_paybatch", "F3": "reason", "J3": "batch_id", "E4": "ACSC", "I4": "sol-4", "J4": "b42",
		"E9": "RJCT", "F9": "AC01", "G9": `incorrect account number: <b>&"quoted" 'x' end`,
		"E30": "ACSC", "I30": "sol-30", "E46": "PDNG", "F46": "", "I46": "", "A1": "Lohnlauf November",
	})
	xf, _ := excelize.OpenReader(bytes.NewReader(got))
	if v, _ := xf.GetCellValue(sh, "G44"); len(v) != maxCellUTF16 {
		t.Errorf("a 40,000 character reason text kept %d characters, want %d", len(v), maxCellUTF16)
	}
	if s, _ := xf.GetCellStyle(sh, "G10"); s != money {
		t.Errorf("G10 style %d, want the empty cell's %d kept", s, money)
	}
	xf.Close()
}

// TestWriteSummaryXLSXSheetXML edits worksheet XML as other programs
// write it. Each case is also checked against the cell-model summary.
func TestWriteSummaryXLSXSheetXML(t *testing.T) {
	const ns = `xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	acsc := func(rows ...int) []PaymentResult {
		var out []PaymentResult
		for _, r := range rows {
			out = append(out, result(r, batch.ACSC, "", "", "p100", fmt.Sprintf("ref-%d", r)))
		}
		return out
	}
	tests := []struct {
		name      string
		sheets    []handSheet
		sst       []string
		sheet     string // argument
		part      string // the part to be edited
		headerRow int
		res       []PaymentResult
		cells     map[string]string // on the edited sheet
		contains  []string          // in the edited part
		absent    []string
	}{{
		name: "namespace prefix (Open XML SDK)",
		sheets: []handSheet{{"S", `<?xml version="1.0" encoding="utf-8"?><x:worksheet ` + ns + `><x:dimension ref="A1:B3"/><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>end_to_end_id</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>amount</x:t></x:is></x:c></x:row>` +
			`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>E1</x:t></x:is></x:c><x:c r="B2"><x:v>12.5</x:v></x:c></x:row>` +
			`<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>E2</x:t></x:is></x:c><x:c r="B3"><x:v>7</x:v></x:c></x:row>` +
			`</x:sheetData></x:worksheet>`}},
		headerRow: 1, res: acsc(2, 3, 5),
		cells:    map[string]string{"C1": "status", "H1": "batch_id", "C2": "ACSC", "G3": "ref-3", "C5": "ACSC", "B2": "12.5"},
		contains: []string{`<x:dimension ref="A1:H5"/>`, `<x:c r="B2"><x:v>12.5</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:t xml:space="preserve">ACSC</x:t></x:is></x:c><x:c r="F2"`, `<x:row r="5"><x:c r="C5"`},
		absent:   []string{`<c `, `<row`},
	}, {
		name: "rows and cells without r",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row><c t="inlineStr"><is><t>end_to_end_id</t></is></c><c t="inlineStr"><is><t>amount</t></is></c><c t="inlineStr"><is><t>note</t></is></c></row>` +
			`<row><c t="inlineStr"><is><t>E1</t></is></c><c><v>1</v></c></row>` +
			`<row><c t="inlineStr"><is><t>E2</t></is></c><c><v>2</v></c><c t="inlineStr"><is><t>n</t></is></c></row>` +
			`</sheetData>`)}},
		headerRow: 1, res: acsc(2, 3),
		cells:    map[string]string{"D1": "status", "D2": "ACSC", "D3": "ACSC", "C3": "n", "B2": "1"},
		contains: []string{`<c><v>1</v></c><c r="D2" t="inlineStr">`},
	}, {
		name: "self-closing rows, one with a row style",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row r="1">` + is("A1", "end_to_end_id") + is("B1", "amount") + `</row>` +
			`<row r="2" spans="1:2"/>` + `<row r="3" s="2" customFormat="1"/>` +
			`<row r="4">` + is("A4", "E4") + `</row>` +
			`</sheetData>`)}},
		headerRow: 1, res: acsc(2, 3, 4),
		cells:    map[string]string{"C1": "status", "C2": "ACSC", "C3": "ACSC", "G3": "ref-3", "C4": "ACSC"},
		contains: []string{`<row r="2" spans="1:2"><c r="C2" t="inlineStr">`, `<row r="3" s="2" customFormat="1"><c r="C3" s="2" t="inlineStr">`},
		absent:   []string{`/>` + `<row r="3"`},
	}, {
		name: "payment rows and header row without a row element",
		sheets: []handSheet{{"S", worksheet(`<dimension ref="A1:B6"/><sheetData>` +
			`<row r="1">` + is("A1", "Title") + `</row>` +
			`<row r="3">` + is("A3", "E3") + is("B3", "x") + `</row>` +
			`<row r="6">` + is("A6", "E6") + `</row>` +
			`</sheetData>`)}},
		headerRow: 2, res: acsc(9, 3, 4, 5, 6, 7),
		cells:    map[string]string{"C2": "status", "C3": "ACSC", "C4": "ACSC", "C5": "ACSC", "C6": "ACSC", "C7": "ACSC", "C9": "ACSC", "A1": "Title"},
		contains: []string{`<dimension ref="A1:H9"/>`, `</row><row r="2"><c r="C2"`, `<row r="4"><c r="C4"`, `<row r="9"><c r="C9"`},
	}, {
		name:      "empty sheetData",
		sheets:    []handSheet{{"S", worksheet(`<dimension ref="A1"/><sheetData/>`)}},
		headerRow: 1, res: acsc(2, 3),
		cells:    map[string]string{"A1": "status", "F1": "batch_id", "A2": "ACSC", "E3": "ref-3"},
		contains: []string{`<dimension ref="A1:F3"/>`, `<sheetData><row r="1"><c r="A1"`, `</row></sheetData>`},
	}, {
		name: "escaping and forbidden characters",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row r="1">` + is("A1", "end_to_end_id") + `</row><row r="2">` + is("A2", "E&amp;1") + `</row></sheetData>`)}},
		headerRow: 1,
		res:       []PaymentResult{result(2, batch.RJCT, batch.NARR, "a<b>&\"c\"'\x00\x01\x1b\ufffe"+"\xff"+"\td", "<p>", "&amp;")},
		cells:     map[string]string{"B2": "RJCT", "D2": "see additional information: a<b>&\"c\"'\td", "E2": "<p>", "F2": "&amp;", "A2": "E&1"},
		contains:  []string{`&lt;p&gt;`, `&amp;amp;`},
	}, {
		name: "header on row 3 under a title, a user column named status",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row r="1">` + is("A1", "Lohnlauf") + `</row>` +
			`<row r="3">` + is("A3", "end_to_end_id") + is("B3", " STATUS ") + is("C3", "Provider") + `</row>` +
			`<row r="4">` + is("A4", "E4") + is("B4", "offen") + `</row>` +
			`</sheetData>`)}},
		headerRow: 3, res: acsc(4),
		cells: map[string]string{"D3": "status_paybatch", "E3": "reason", "G3": "provider_paybatch", "D4": "ACSC", "G4": "p100", "D1": "", "D2": ""},
	}, {
		name: "first sheet by default",
		sheets: []handSheet{
			{"First", worksheet(`<sheetData><row r="1">` + is("A1", "end_to_end_id") + `</row><row r="2">` + is("A2", "E2") + `</row></sheetData>`)},
			{"Second", worksheet(`<sheetData><row r="1">` + is("A1", "x") + `</row></sheetData>`)},
		},
		part: "xl/worksheets/sheet1.xml", headerRow: 1, res: acsc(2),
		cells: map[string]string{"B1": "status", "B2": "ACSC"},
	}, {
		name: "named sheet, in another case",
		sheets: []handSheet{
			{"First", worksheet(`<sheetData><row r="1">` + is("A1", "x") + `</row></sheetData>`)},
			{"Second", worksheet(`<sheetData><row r="1">` + is("A1", "end_to_end_id") + is("B1", "amount") + `</row><row r="2">` + is("A2", "E2") + `</row></sheetData>`)},
		},
		sheet: "second", part: "xl/worksheets/sheet2.xml", headerRow: 1, res: acsc(2),
		cells: map[string]string{"C1": "status", "C2": "ACSC"},
	}, {
		name: "empty styled cells in and right of the summary columns",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row r="1">` + is("A1", "end_to_end_id") + is("B1", "amount") + `<c r="D1" s="1"/></row>` +
			`<row r="2">` + is("A2", "E2") + `<c r="D2" s="3"/><c r="E2" s="2"><v></v></c><c r="K2" s="1"/></row>` +
			`</sheetData>`)}},
		headerRow: 1,
		res:       []PaymentResult{result(2, batch.ACSC, "", "", "", "")}, // reason and provider empty: E2 stays as it was
		cells:     map[string]string{"C1": "status", "D1": "reason", "C2": "ACSC", "D2": "", "H2": "b42"},
		contains:  []string{`<c r="C2" t="inlineStr">`, `<c r="D2" s="3"/><c r="E2" s="2"><v></v></c><c r="H2" t="inlineStr"><is><t xml:space="preserve">b42</t></is></c><c r="K2" s="1"/>`, `<c r="D1" s="1" t="inlineStr"><is><t xml:space="preserve">reason</t>`},
	}, {
		name: "shared strings, an empty one does not make a column used",
		sheets: []handSheet{{"S", worksheet(`<sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>4</v></c><c r="F1" t="s"><v>3</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>5</v></c><c r="G2" t="s"><v> 5 </v></c></row>` +
			`</sheetData>`)}},
		sst:       []string{"end_to_end_id", "Reason", "E2", "", "<si><r><t>Sta</t></r><r><rPr><b/></rPr><t>tus</t></r></si>", "<si><t></t><rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si>"},
		headerRow: 1, res: acsc(2),
		cells: map[string]string{"D1": "status_paybatch", "E1": "reason_paybatch", "D2": "ACSC", "C1": "Status"},
	}, {
		name: "column styles",
		sheets: []handSheet{{"S", worksheet(`<cols><col min="1" max="2" width="20" customWidth="1"/><col min="4" max="5" width="9" style="2"/></cols><sheetData>` +
			`<row r="1">` + is("A1", "end_to_end_id") + is("B1", "amount") + `</row><row r="2">` + is("A2", "E2") + `</row></sheetData>`)}},
		headerRow: 1, res: acsc(2),
		cells:    map[string]string{"C1": "status", "C2": "ACSC", "D2": ""},
		contains: []string{`<c r="C2" t="inlineStr">`, `<c r="E1" s="2" t="inlineStr">`, `<c r="F1" t="inlineStr">`},
	}, {
		name: "comments, CDATA, processing instructions and quoted '>'",
		sheets: []handSheet{{"S", worksheet(`<!-- <row r="9"> --><sheetData><?keep me?>` +
			`<row r="1" foo="a>b">` + is("A1", "end_to_end_id") + `<!-- <c r="Z1"><v>1</v></c> --></row>` +
			`<row r="2"><c r="A2" t="str"><v><![CDATA[x<y</v>]]></v></c></row>` +
			`</sheetData>`)}},
		headerRow: 1, res: acsc(2),
		cells:    map[string]string{"B1": "status", "B2": "ACSC", "A2": "x<y</v>"},
		contains: []string{`<!-- <row r="9"> -->`, `<?keep me?>`, `<![CDATA[x<y</v>]]>`},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := handWorkbook(t, tt.sheets, tt.sst)
			part := tt.part
			if part == "" {
				part = "xl/worksheets/sheet1.xml"
			}
			name := tt.sheet
			if name == "" {
				name = tt.sheets[0].name
			}
			for _, s := range tt.sheets {
				if strings.EqualFold(s.name, name) {
					name = s.name
				}
			}
			got := summarize(t, in, tt.sheet, part, tt.headerRow, tt.res)
			cellsAre(t, got, name, tt.cells)
			xml := string(entry(t, got, part))
			for _, s := range tt.contains {
				if !strings.Contains(xml, s) {
					t.Errorf("edited sheet lacks %s\n%s", s, xml)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(xml, s) {
					t.Errorf("edited sheet has %s\n%s", s, xml)
				}
			}
		})
	}
}

// TestWriteSummaryXLSXOtherReaders: a reader without random access is
// spooled, and gives the same workbook.
func TestWriteSummaryXLSXOtherReaders(t *testing.T) {
	in := handWorkbook(t, []handSheet{{"S", worksheet(`<sheetData><row r="1">` + is("A1", "end_to_end_id") + `</row><row r="2">` + is("A2", "E2") + `</row></sheetData>`)}}, nil)
	res := []PaymentResult{result(2, batch.ACSC, "", "", "p100", "r")}
	var a, b bytes.Buffer
	if err := WriteSummaryXLSX(&a, bytes.NewReader(in), "", 1, "b", seq(res)); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummaryXLSX(&b, struct{ io.Reader }{bytes.NewReader(in)}, "", 1, "b", seq(res)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("a plain io.Reader gave another workbook")
	}
}

func TestWriteSummaryXLSXErrors(t *testing.T) {
	sheet := func(x string) []byte { return handWorkbook(t, []handSheet{{"S", x}}, nil) }
	ok := worksheet(`<sheetData><row r="1">` + is("A1", "end_to_end_id") + `</row></sheetData>`)
	res := []PaymentResult{result(2, batch.ACSC, "", "", "", "")}
	tests := []struct {
		name  string
		in    []byte
		sheet string
		res   []PaymentResult
		is    error
	}{
		{"no such sheet", sheet(ok), "Nope", res, ErrSheet},
		{"not a zip", []byte("id,amount\n1,2\n"), "", res, nil},
		{"truncated sheet", sheet(ok[:len(ok)-30]), "", res, nil},
		{"no sheetData", sheet(worksheet(`<dimension ref="A1"/>`)), "", res, nil},
		{"bad cell reference", sheet(worksheet(`<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>`)), "", res, nil},
		{"no room for the columns", sheet(worksheet(`<sheetData><row r="1"><c r="XFB1"><v>1</v></c></row></sheetData>`)), "", res, nil},
		{"row beyond the sheet", sheet(ok), "", []PaymentResult{result(maxSheetRows+1, batch.ACSC, "", "", "", "")}, nil},
		{"huge tag", sheet(worksheet(`<sheetData><row r="1" x="` + strings.Repeat("a", maxXMLToken) + `"/></sheetData>`)), "", res, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteSummaryXLSX(io.Discard, bytes.NewReader(tt.in), tt.sheet, 1, "b", seq(tt.res))
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
		})
	}
}

// TestWriteSummaryXLSXSample edits the sample a new user drops first
// (title, blank row, header on row 3, dates, decimals, shared strings).
func TestWriteSummaryXLSXSample(t *testing.T) {
	in, err := os.ReadFile("../samples/suppliers.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var res []PaymentResult
	for row := len(rows); row >= 4; row-- {
		res = append(res, result(row, batch.RJCT, batch.AM04, "insufficient funds", "smoney", fmt.Sprintf("sm-%d", row)))
	}
	got := summarize(t, in, "", "xl/worksheets/sheet1.xml", 3, res)
	last := fmt.Sprint(len(rows))
	cellsAre(t, got, f.GetSheetList()[0], map[string]string{"I3": "status", "N3": "batch_id", "I4": "RJCT", "J" + last: "AM04", "M" + last: "sm-" + last})
	if !strings.Contains(string(entry(t, got, "xl/worksheets/sheet1.xml")), `<dimension ref="A1:N`+last+`"></dimension>`) {
		t.Error("dimension not grown to the summary columns")
	}
}
