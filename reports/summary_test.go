package reports

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// sliceRows is a RowSource over fixed rows numbered from 1.
type sliceRows struct {
	rows [][]string
	i    int
}

func (s *sliceRows) Next() (int, []string, error) {
	if s.i >= len(s.rows) {
		return 0, nil, io.EOF
	}
	s.i++
	return s.i, s.rows[s.i-1], nil
}

func csvInput() [][]string {
	return [][]string{
		{"Payroll November"}, // title row above the header
		{"end_to_end_id", "amount", "creditor_name", "Status"},
		{"E1", "1200,50", "Zoë Écrivain"},               // short row
		{"E2", "-5,00", "=HYPERLINK(\"http://x\")", ""}, // negative amount, formula
		{"", "", "", ""}, // blank line, no payment
		{"E3", "7,00", "@SUM(A1)", ""},
	}
}

func csvResults() []PaymentResult {
	return []PaymentResult{
		{Payment: &batch.Payment{Row: 3}, Status: batch.ACSC, Provider: "solaris", ProviderRef: "sol-1"},
		{Payment: &batch.Payment{Row: 4}, Status: batch.RJCT, Reason: batch.AM01, AddtlInf: "amount: negative"},
		{Payment: &batch.Payment{Row: 6}, Status: batch.RJCT, Reason: batch.NARR, AddtlInf: "-provider said 拒绝", Provider: "wirex"},
	}
}

func TestWriteSummaryCSVWindows1252(t *testing.T) {
	var buf bytes.Buffer
	d := CSVDialect{Delimiter: ';', Encoding: EncodingWindows1252, HeaderRow: 2}
	if err := WriteSummaryCSV(&buf, d, "b42", &sliceRows{rows: csvInput()}, seq(csvResults())); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte{'Z', 'o', 0xEB}) {
		t.Errorf("output is not Windows-1252: %q", buf.Bytes())
	}
	utf8, err := charmap.Windows1252.NewDecoder().Bytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(utf8))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatalf("summary does not round-trip through encoding/csv: %v", err)
	}
	want := [][]string{
		{"Payroll November"},
		{"end_to_end_id", "amount", "creditor_name", "Status", "status_paybatch", "reason", "reason_text", "provider", "provider_reference", "batch_id"},
		{"E1", "1200,50", "Zoë Écrivain", "", "ACSC", "", "", "solaris", "sol-1", "b42"},
		{"E2", "-5,00", "'=HYPERLINK(\"http://x\")", "", "RJCT", "AM01", "zero or negative amount: amount: negative", "", "", "b42"},
		{"", "", "", "", "", "", "", "", "", ""},
		{"E3", "7,00", "'@SUM(A1)", "", "RJCT", "NARR", "see additional information: -provider said ??", "wirex", "", "b42"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("summary rows:\n got %q\nwant %q", got, want)
	}
}

func TestWriteSummaryCSVBOM(t *testing.T) {
	var buf bytes.Buffer
	rows := &sliceRows{rows: [][]string{{"a", "b"}, {"1", "+2"}}}
	res := []PaymentResult{{Payment: &batch.Payment{Row: 2}, Status: batch.ACTC}}
	if err := WriteSummaryCSV(&buf, CSVDialect{Encoding: EncodingUTF8BOM}, "b1", rows, seq(res)); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFa,b,status,reason,reason_text,provider,provider_reference,batch_id\r\n1,+2,ACTC,,,,,b1\r\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
	if err := WriteSummaryCSV(io.Discard, CSVDialect{Encoding: "ebcdic"}, "b", rows, seq(res)); err == nil {
		t.Error("unknown encoding accepted")
	}
}

func TestNeutralize(t *testing.T) {
	tests := map[string]string{
		"=1+2": "'=1+2", "+cmd": "'+cmd", "-2+3": "'-2+3", "@A1": "'@A1", "\tx": "'\tx", "\rx": "'\rx",
		"-5.00": "-5.00", "-5,00": "-5,00", "+3": "+3", "plain": "plain", "": "", "a=b": "a=b",
	}
	for in, want := range tests {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteSummaryXLSXKeepsTheUserSheet builds a workbook as a user would,
// writes the summary and checks every original cell is unchanged and the
// statuses sit right of the last used column.
func TestWriteSummaryXLSXKeepsTheUserSheet(t *testing.T) {
	in := excelize.NewFile()
	sh := "Zahlungen"
	if err := in.SetSheetName("Sheet1", sh); err != nil {
		t.Fatal(err)
	}
	cells := map[string]any{
		"A1": "Lohnlauf November",
		"A2": "end_to_end_id", "B2": "amount", "C2": "creditor_iban", "D2": "note",
		"A3": "E1", "B3": "1200.50", "C3": "DE89370400440532013000",
		"A4": "E2", "B4": 42, "C4": "=not a formula", "E4": "stray cell",
	}
	for c, v := range cells {
		if err := in.SetCellValue(sh, c, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.SetCellFormula(sh, "D3", "B4*2"); err != nil {
		t.Fatal(err)
	}
	if _, err := in.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	in.SetCellValue("Other", "A1", "keep me")
	var src bytes.Buffer
	if err := in.Write(&src); err != nil {
		t.Fatal(err)
	}
	orig, err := excelize.OpenReader(bytes.NewReader(src.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	res := []PaymentResult{
		{Payment: &batch.Payment{Row: 4}, Status: batch.RJCT, Reason: batch.AC01, AddtlInf: "=evil()"},
		{Payment: &batch.Payment{Row: 3}, Status: batch.ACSC, Provider: "solaris", ProviderRef: "sol-9"},
	}
	var out bytes.Buffer
	if err := WriteSummaryXLSX(&out, bytes.NewReader(src.Bytes()), sh, 2, "b42", seq(res)); err != nil {
		t.Fatal(err)
	}
	got, err := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("summary does not open: %v", err)
	}
	for _, s := range orig.GetSheetList() {
		wantRows, _ := orig.GetRows(s, excelize.Options{RawCellValue: true})
		for r, row := range wantRows {
			for c, v := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				gv, _ := got.GetCellValue(s, name, excelize.Options{RawCellValue: true})
				wf, _ := orig.GetCellFormula(s, name)
				gf, _ := got.GetCellFormula(s, name)
				if gv != v || gf != wf {
					t.Errorf("%s!%s = %q (formula %q), want %q (formula %q)", s, name, gv, gf, v, wf)
				}
			}
		}
	}
	check := map[string]string{"F2": "status", "G2": "reason", "K2": "batch_id", "F3": "ACSC", "J3": "sol-9",
		"F4": "RJCT", "G4": "AC01", "H4": "incorrect account number: =evil()", "K4": "b42"}
	for c, want := range check {
		if v, _ := got.GetCellValue(sh, c); v != want {
			t.Errorf("%s = %q, want %q", c, v, want)
		}
	}
	if f, _ := got.GetCellFormula(sh, "H4"); f != "" {
		t.Errorf("provider text became a formula: %q", f)
	}
}

func TestWritePaymentsSummaries(t *testing.T) {
	_, ps := fixture()
	var c bytes.Buffer
	if err := WritePaymentsCSV(&c, "b42", seq(ps)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(ps)+1 || len(recs[0]) != len(PaymentColumns)+len(SummaryColumns) {
		t.Fatalf("%d records of %d fields", len(recs), len(recs[0]))
	}
	if got := strings.Join(recs[1][:6], "|"); got != "1|E2E-1|I-1|1000.00|EUR|Anna Müller & Söhne <GmbH>" {
		t.Errorf("row 1 = %s", got)
	}

	var x bytes.Buffer
	if err := WritePaymentsXLSX(&x, "b42", seq(ps)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Payments")
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		// The CSV neutralises formula-looking cells, the XLSX keeps them
		// as inert string cells: compare after neutralising.
		for j := range rows[i] {
			if Neutralize(rows[i][j]) != recs[i][j] {
				t.Errorf("xlsx[%d][%d] = %q, csv %q", i, j, rows[i][j], recs[i][j])
			}
		}
	}
}
