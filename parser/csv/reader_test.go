package csv

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
)

func readAll(t *testing.T, r io.Reader, opts Options) (*Reader, []*batch.Payment, error) {
	t.Helper()
	rd, err := NewReader(r, opts)
	if err != nil {
		return nil, nil, err
	}
	var ps []*batch.Payment
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd, ps, nil
		}
		if err != nil {
			return rd, ps, err
		}
		ps = append(ps, p)
	}
}

func TestReaderDialects(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		dialect Dialect
		rows    []int // Row of each payment
		names   []string
		minor   []int64
	}{
		{"comma utf8", "name,iban,amount\nErika,DE89370400440532013000,12.50\nJean,FR1420041010050500013M02606,\"1,500.00\"\n",
			Dialect{',', EncodingUTF8, 1}, []int{2, 3}, []string{"Erika", "Jean"}, []int64{1250, 150000}},
		{"semicolon bom crlf title", "\ufeffGehälter März\r\n\r\nName;IBAN;Betrag\r\nJörg;DE89370400440532013000;1.500,00\r\n;;\r\nÉlise;DE89370400440532013000;7,5\r\n",
			Dialect{';', EncodingUTF8BOM, 3}, []int{4, 6}, []string{"Jörg", "Élise"}, []int64{150000, 750}},
		{"tab", "creditor_name\tcreditor_iban\tamount\nA\tDE89370400440532013000\t1\n",
			Dialect{'\t', EncodingUTF8, 1}, []int{2}, []string{"A"}, []int64{100}},
		{"windows-1252", "Empf\xe4nger;IBAN;Betrag;W\xe4hrung\nM\xfcller;DE89370400440532013000;2,00;EUR\n",
			Dialect{';', EncodingWindows1252, 1}, []int{2}, []string{"Müller"}, []int64{200}},
		{"quoted newline and delimiter", "name,iban,amount,remittance_info\n\"Doe, John\",DE89370400440532013000,3.00,\"line1\nline2\"\nX,DE89370400440532013000,4.00,\n",
			Dialect{',', EncodingUTF8, 1}, []int{2, 4}, []string{"Doe, John", "X"}, []int64{300, 400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, ps, err := readAll(t, strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if rd.Dialect() != tt.dialect {
				t.Errorf("dialect = %+v, want %+v", rd.Dialect(), tt.dialect)
			}
			if len(ps) != len(tt.rows) {
				t.Fatalf("%d payments, want %d", len(ps), len(tt.rows))
			}
			for i, p := range ps {
				if p.Row != tt.rows[i] || p.Index != i+1 || p.CreditorName != tt.names[i] || p.Amount.Minor != tt.minor[i] || p.Info != rd.Infos()[0] {
					t.Errorf("payment %d: row %d index %d name %q amount %d; want row %d name %q amount %d",
						i, p.Row, p.Index, p.CreditorName, p.Amount.Minor, tt.rows[i], tt.names[i], tt.minor[i])
				}
			}
			if h := rd.Header(); h.Format != "csv" {
				t.Errorf("format %q", h.Format)
			}
		})
	}
}

// A valid-UTF-8 start does not protect a 1252 byte further down.
func TestReaderLate1252(t *testing.T) {
	in := "name;iban;amount\n" + strings.Repeat("A;DE89370400440532013000;1,00\n", 3000) + "M\xfcller;DE89370400440532013000;2,00\n"
	rd, ps, err := readAll(t, strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rd.Dialect().Encoding != EncodingUTF8 || ps[len(ps)-1].CreditorName != "Müller" {
		t.Errorf("encoding %s, last name %q", rd.Dialect().Encoding, ps[len(ps)-1].CreditorName)
	}
}

func TestReaderFileErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
		max            int
	}{
		{"empty", "", "empty", 0},
		{"blank", "\n \n", "empty", 0},
		{"binary", "PK\x03\x04\x00\x00", "not a text", 0},
		{"no header", "a,b,c\n1,2,3\n", "no header row", 0},
		{"missing column", "name,amount\nX,1\n", "creditor_iban", 0},
		{"no rows", "name,iban,amount\n\n,,\n , ,\n", "no payment rows", 0},
		{"long record", "name,iban,amount\nA,DE89370400440532013000,1\n" + strings.Repeat("x", 40000) + "\nB,DE89,2\n", "longer than", 1000},
		{"unclosed quote", "name,iban,amount\nA,\"DE89" + strings.Repeat("y", 40000), "longer than", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, strings.NewReader(tt.in), Options{MaxRecordBytes: tt.max})
			var fe *batch.FileError
			if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(fe.Message, tt.want) {
				t.Fatalf("err = %v, want FF01 containing %q", err, tt.want)
			}
		})
	}
}

func TestRawReaderRoundTrip(t *testing.T) {
	in := "\ufeffTitle\nname;iban;amount\nJörg;DE89;1,00\n"
	rd, err := NewReader(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	raw := NewRawReader(strings.NewReader(in), rd.Dialect())
	var got []string
	for {
		row, f, err := raw.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
		got = append(got, strings.Join(f, "|")+"@"+string(rune('0'+row)))
	}
	want := "Title@1 name|iban|amount@2 Jörg|DE89|1,00@3"
	if strings.Join(got, " ") != want {
		t.Errorf("raw = %q, want %q", strings.Join(got, " "), want)
	}
}

// TestCorpus reads the generator projects' CSV examples in place.
func TestCorpus(t *testing.T) {
	dir := batchtest.CorpusDir(t, "csv")
	tests := []struct {
		file      string
		payments  int
		fileError string // FF01 message part, when the file cannot be paid out
		first     batch.Payment
		lastIBAN  string
	}{
		{file: "pain001py__template_pain.001.001.03.csv", payments: 4,
			first:    batch.Payment{Row: 2, EndToEndID: "PaymentID6789", CreditorName: "Global Tech", CreditorIBAN: "DE68210501700024690959", CreditorBIC: "SPUEDE2UXXX", RemittanceInfo: "Invoice-12345", RequestedExecutionDate: "2023-03-12", Extra: &batch.PaymentExtra{Purpose: "OTHR", DebtorAccount: "DE75512108001245126162"}, Amount: batch.Amount{Minor: 15000, Currency: "EUR"}},
			lastIBAN: "DE75512108001245123456"},
		{file: "pain001py__template_pain.001.001.09.csv", payments: 5,
			first:    batch.Payment{Row: 2, EndToEndID: "PaymentID6789", CreditorName: "Global Tech", CreditorIBAN: "DE68210501700024690959", CreditorBIC: "DEUTDEFFXXX", RemittanceInfo: "Payment for Invoice-98765", RequestedExecutionDate: "2023-03-12", Extra: &batch.PaymentExtra{DebtorAccount: "DE75512108001245126162"}, Amount: batch.Amount{Minor: 15000, Currency: "EUR"}},
			lastIBAN: "DE18500105175001478962"},
		{file: "pain001py__tests_data_template.csv", payments: 4,
			first:    batch.Payment{Row: 2, EndToEndID: "PaymentID6789", CreditorName: "Global Tech", CreditorIBAN: "DE68210501700024690959", CreditorBIC: "SPUEDE2UXXX", RemittanceInfo: "Invoice-12345", RequestedExecutionDate: "2023-03-12", Extra: &batch.PaymentExtra{Purpose: "OTHR", DebtorAccount: "DE75512108001245126162"}, Amount: batch.Amount{Minor: 15000, Currency: "EUR"}},
			lastIBAN: "DE75512108001245123456"},
		// sepa.js's sample is a direct-debit collection list (debtor_* columns
		// only): paying it out would send money to the people who owe it.
		{file: "sepajs__sepacsv.csv", fileError: "direct-debit"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, ps, err := readAll(t, f, Options{})
			if tt.fileError != "" {
				var fe *batch.FileError
				if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(fe.Message, tt.fileError) {
					t.Fatalf("err = %v, want FF01 %q", err, tt.fileError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != tt.payments {
				t.Fatalf("%d payments, want %d", len(ps), tt.payments)
			}
			p, w := ps[0], tt.first
			if p.Row != w.Row || p.EndToEndID != w.EndToEndID || p.CreditorName != w.CreditorName || p.CreditorIBAN != w.CreditorIBAN ||
				p.CreditorBIC != w.CreditorBIC || p.RemittanceInfo != w.RemittanceInfo || p.RequestedExecutionDate != w.RequestedExecutionDate ||
				p.Purpose() != w.Purpose() || p.DebtorAccount() != w.DebtorAccount() || p.Amount != w.Amount || len(p.Issues) != 0 {
				t.Errorf("first payment\n got %+v\nwant %+v", *p, w)
			}
			if last := ps[len(ps)-1]; last.CreditorIBAN != tt.lastIBAN || last.Index != tt.payments {
				t.Errorf("last payment IBAN %q index %d", last.CreditorIBAN, last.Index)
			}
		})
	}
}
