package xlsx

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/xuri/excelize/v2"
)

// workbook builds an in-memory workbook; cells holds per row the values
// to set: string → text cell, raw(...) → a number cell with that stored
// value, time.Time → a date cell.
type raw string

func workbook(t testing.TB, sheet string, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			var err error
			switch v := v.(type) {
			case raw:
				err = f.SetCellDefault(sheet, cell, string(v))
			case time.Time:
				if err = f.SetCellValue(sheet, cell, v); err == nil {
					err = f.SetCellStyle(sheet, cell, cell, dateStyle)
				}
			case nil:
			default:
				err = f.SetCellValue(sheet, cell, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, b []byte, opts Options) ([]*batch.Payment, error) {
	t.Helper()
	rd, err := NewReader(bytes.NewReader(b), int64(len(b)), opts)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	if rd.Header().Format != "xlsx" || len(rd.Infos()) != 1 {
		t.Errorf("header %+v", rd.Header())
	}
	var ps []*batch.Payment
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return ps, nil
		}
		if err != nil {
			return ps, err
		}
		ps = append(ps, p)
	}
}

func TestReader(t *testing.T) {
	day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	b := workbook(t, "Lieferanten", [][]any{
		{"Lieferantenzahlungen März 2025"},
		{},
		{"Name", "IBAN", "Betrag", "Ausführungsdatum", "Verwendungszweck"},
		{"A", "DE89 3704 0044 0532 0130 00", raw("0.28999999999999998"), day, "R1"},
		{"B", "DE89370400440532013000", raw("1.1499999999999999"), "14.03.2025", "R2"},
		{"C", "DE89370400440532013000", raw("4.3499999999999996"), raw("45730"), "R3"},
		{},
		{"D", "DE89370400440532013000", "1.500", nil, 4711},
		{"E", raw("1.23456789012346E+17"), raw("1500"), nil, nil},
		{"F", "DE89370400440532013000", "12,50 €", nil, nil},
		{"G", "DE89370400440532013000", raw("2.5"), nil, nil},
	})
	ps, err := readAll(t, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		row   int
		minor int64
		date  string
		iban  string
		issue batch.ReasonCode
	}{
		{4, 29, "2025-03-14", "DE89 3704 0044 0532 0130 00", ""},
		{5, 115, "2025-03-14", "DE89370400440532013000", ""},
		{6, 435, "2025-03-14", "DE89370400440532013000", ""},
		{8, 0, "", "DE89370400440532013000", batch.AM02},
		{9, 150000, "", "1.23456789012346E+17", batch.AC01},
		{10, 1250, "", "DE89370400440532013000", ""},
		{11, 250, "", "DE89370400440532013000", ""},
	}
	if len(ps) != len(want) {
		t.Fatalf("%d payments, want %d", len(ps), len(want))
	}
	for i, w := range want {
		p := ps[i]
		if p.Row != w.row || p.Index != i+1 || p.Amount.Minor != w.minor || p.RequestedExecutionDate != w.date || p.CreditorIBAN != w.iban {
			t.Errorf("payment %d: row %d amount %d date %q iban %q; want %+v", i+1, p.Row, p.Amount.Minor, p.RequestedExecutionDate, p.CreditorIBAN, w)
		}
		switch {
		case w.issue == "" && len(p.Issues) > 0:
			t.Errorf("payment %d: unexpected %v", i+1, p.Issues)
		case w.issue != "" && (len(p.Issues) == 0 || p.Issues[0].Code != w.issue):
			t.Errorf("payment %d: issues %v, want %s", i+1, p.Issues, w.issue)
		}
	}
	if ps[3].RemittanceInfo != "4711" {
		t.Errorf("numeric remittance = %q", ps[3].RemittanceInfo)
	}
}

func TestExactNumber(t *testing.T) {
	tests := map[string]string{
		"1.1499999999999999":   "1.15",
		"0.28999999999999998":  "0.29",
		"4.3499999999999996":   "4.35",
		"1500":                 "1500",
		"1.500":                "1.500", // text, left to the locale rules
		"1.5E+3":               "1500",
		"abc":                  "abc",
		"-0.10000000000000001": "-0.1",
	}
	for in, want := range tests {
		if got := exactNumber(in); got != want {
			t.Errorf("exactNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReaderFileErrors(t *testing.T) {
	good := workbook(t, "Sheet1", [][]any{{"Name", "IBAN", "Amount"}, {"A", "DE89370400440532013000", raw("1")}})
	tests := []struct {
		name string
		b    []byte
		opts Options
		want string
	}{
		{"empty", nil, Options{}, "empty"},
		{"not zip", []byte("name,iban,amount\n"), Options{}, "not a readable XLSX"},
		{"no sheet", good, Options{Sheet: "Payroll"}, `no sheet "Payroll"`},
		{"no header", workbook(t, "Sheet1", [][]any{{"a", "b"}, {1, 2}}), Options{}, "no header row"},
		{"no rows", workbook(t, "Sheet1", [][]any{{"Name", "IBAN", "Amount"}}), Options{}, "no payment rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.b, tt.opts)
			var fe *batch.FileError
			if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(fe.Message, tt.want) {
				t.Fatalf("err = %v, want FF01 %q", err, tt.want)
			}
		})
	}
}

// A workbook that unpacks beyond the limit is FF01, not memory.
func TestReaderZipBomb(t *testing.T) {
	defer func(a, b int64) { unzipSizeLimit, unzipXMLSizeLimit = a, b }(unzipSizeLimit, unzipXMLSizeLimit)
	unzipSizeLimit, unzipXMLSizeLimit = 64<<10, 16<<10
	rows := [][]any{{"Name", "IBAN", "Amount"}}
	for range 2000 {
		rows = append(rows, []any{strings.Repeat("x", 60), "DE89370400440532013000", raw("1")})
	}
	_, err := readAll(t, workbook(t, "Sheet1", rows), Options{})
	var fe *batch.FileError
	if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(err.Error(), "size") {
		t.Fatalf("err = %v, want FF01 for the unzip size limit", err)
	}
}
