// Package samples holds ready-to-drop example batches; this test keeps
// them readable by the parsers and honest about which lines are wrong.
package samples

import (
	"errors"
	"io"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/parser/csv"
	"github.com/paybatch/paybatch/parser/xlsx"
)

func payments(t *testing.T, rd parser.Reader) map[string]*batch.Payment {
	t.Helper()
	byID := map[string]*batch.Payment{}
	for {
		p, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return byID
		}
		if err != nil {
			t.Fatal(err)
		}
		key := p.EndToEndID
		if key == "" {
			key = p.RemittanceInfo
		}
		byID[key] = p
	}
}

// mod97 is an independent IBAN check, so the generator's arithmetic is
// tested rather than trusted.
func mod97(iban string) bool {
	s := strings.ReplaceAll(iban, " ", "")
	if len(s) < 5 {
		return false
	}
	var b strings.Builder
	for _, r := range s[4:] + s[:4] {
		if r >= 'A' && r <= 'Z' {
			b.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		} else {
			b.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(b.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func TestPayrollCSV(t *testing.T) {
	f, err := os.Open("payroll.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := csv.NewReader(f, csv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := rd.Dialect(); d.Delimiter != ';' || d.HeaderRow != 3 {
		t.Errorf("dialect %+v", d)
	}
	ps := payments(t, rd)
	if len(ps) != 38 {
		t.Fatalf("%d payments, want 38", len(ps))
	}
	for id, p := range ps {
		wantIBAN := id != "SAL-2603-901"
		if mod97(p.CreditorIBAN) != wantIBAN {
			t.Errorf("%s: IBAN %s mod-97 ok = %v, want %v", id, p.CreditorIBAN, !wantIBAN, wantIBAN)
		}
		if p.RequestedExecutionDate != "2026-03-31" {
			t.Errorf("%s: date %q", id, p.RequestedExecutionDate)
		}
	}
	if p := ps["SAL-2603-001"]; p.Row != 4 || p.Amount != (batch.Amount{Minor: 210010, Currency: "EUR"}) {
		t.Errorf("first line: row %d amount %+v", p.Row, p.Amount)
	}
	if p := ps["SAL-2603-904"]; len(p.Issues) != 1 || p.Issues[0].Code != batch.AM02 {
		t.Errorf("ambiguous 1.500: issues %v", p.Issues)
	}
	if p := ps["SAL-2603-902"]; p.CreditorName != "" {
		t.Errorf("missing name line has name %q", p.CreditorName)
	}
	if p := ps["SAL-2603-903"]; p.Amount.Minor != 0 || len(p.Issues) != 0 {
		t.Errorf("zero amount line: %+v %v", p.Amount, p.Issues)
	}
	for id, cents := range map[string]int64{"SAL-2603-951": 51, "SAL-2603-952": 52, "SAL-2603-953": 53, "SAL-2603-954": 54} {
		if p := ps[id]; p.Amount.Minor%100 != cents || p.Provider() == "" {
			t.Errorf("%s: amount %d provider %q", id, p.Amount.Minor, p.Provider())
		}
	}
	for _, id := range []string{"SAL-2603-981", "SAL-2603-982"} {
		if p := ps[id]; p.Provider() != "p100" || p.ExternalUserID() != "u-1001" || len(p.Issues) != 0 {
			t.Errorf("%s: %+v", id, p)
		}
	}
}

func TestSuppliersXLSX(t *testing.T) {
	f, err := os.Open("suppliers.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	rd, err := xlsx.NewReader(f, st.Size(), xlsx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byE2E := payments(t, rd)
	if len(byE2E) != 20 {
		t.Fatalf("%d payments, want 20 with distinct end-to-end IDs", len(byE2E))
	}
	// The sheet is keyed by invoice below; its "Payment ID" column is the
	// end-to-end ID, which the pipeline requires of CSV and XLSX lines.
	ps := map[string]*batch.Payment{}
	for id, p := range byE2E {
		if !strings.HasPrefix(id, "KW12-") {
			t.Errorf("row %d: end-to-end ID %q, want KW12-nnn from the Payment ID column", p.Row, id)
		}
		ps[p.RemittanceInfo] = p
	}
	if p := byE2E["KW12-001"]; p == nil || p.RemittanceInfo != "RE-2026-0101" {
		t.Errorf("KW12-001: %+v", p)
	}
	for inv, minor := range map[string]int64{"RE-2026-0101": 29, "RE-2026-0102": 115, "RE-2026-0103": 435, "INV-88120": 125050, "RE-2026-0108": 98075} {
		if p := ps[inv]; p.Amount.Minor != minor || len(p.Issues) != 0 {
			t.Errorf("%s: amount %d (%q), issues %v; want %d", inv, p.Amount.Minor, p.AmountText, p.Issues, minor)
		}
	}
	if p := ps["RE-2026-0101"]; p.Row != 4 || p.RequestedExecutionDate != "2026-03-20" {
		t.Errorf("first row: row %d date %q", p.Row, p.RequestedExecutionDate)
	}
	if p := ps["F-2026-17"]; p.CreditorIBAN != "FR14 2004 1010 0505 0001 3M02 606" {
		t.Errorf("spaced IBAN %q", p.CreditorIBAN)
	}
	if p := ps["LP-4471"]; p.Amount.Currency != "GBP" {
		t.Errorf("GBP row: %+v", p.Amount)
	}
	for inv, p := range ps {
		if mod97(p.CreditorIBAN) != (inv != "RE-2026-0116") {
			t.Errorf("%s: IBAN %s", inv, p.CreditorIBAN)
		}
	}
}
