package tabular

import (
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

// Amounts as people type them: never a panic, and what parses is stable —
// the canonical text of a parsed amount parses to the same amount.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1.500,00", "12,50", "1,500.00", "€ 12,50", "12.50 EUR", "1'234.5", "1 234,56", "-3", "0,001", "999999999.99", "1e5", "\u00a012,5\u00a0CHF", ""} {
		f.Add(s, "EUR")
	}
	f.Add("5", "JPY")
	f.Add("5.5", "BHD")
	f.Fuzz(func(t *testing.T, s, ccy string) {
		a, _, err := ParseAmount(s, ccy)
		if err != nil || a.Exponent() == 3 {
			// "5.500" is ambiguous by design (a decimal point or a
			// thousands separator?), so three-decimal texts do not
			// round-trip.
			return
		}
		b, _, err := ParseAmount(a.String(), a.Currency)
		if err != nil || b != a {
			t.Fatalf("%q → %v (%s); its text %q → %v, %v", s, a, a.Currency, a.String(), b, err)
		}
	})
}

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"01.03.2025", "2025-03-01", "3/1/2025", "45000", "2025-02-30", "", "31.12.9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := NormalizeDate(s)
		if d != "" && NormalizeDate(d) != d {
			t.Fatalf("%q → %q, not stable: %q", s, d, NormalizeDate(d))
		}
	})
}

// A header row and a data row, ';'-separated: finding the header and
// mapping the row never panics, and every problem is an issue on the
// payment.
func FuzzMappingPayment(f *testing.F) {
	f.Add("Name;IBAN;Betrag;Währung;Datum;Anbieter;BIC", "Erika;DE89 3704 0044 0532 0130 00;1.500,00;;01.03.2025;P100;cobadeffxxx")
	f.Add("end_to_end_id;amount;currency;creditor_name;creditor_iban", "E1;10;EUR;Anna;FR1420041010050500013M02606;extra")
	f.Add("a;b", "")
	f.Fuzz(func(t *testing.T, header, row string) {
		rows := [][]string{strings.Split(header, ";"), strings.Split(row, ";")}
		at, m, err := FindHeader(rows)
		if err != nil {
			return
		}
		if at < 0 || at >= len(rows) {
			t.Fatalf("header at %d of %d rows", at, len(rows))
		}
		p := m.Payment(rows[len(rows)-1], 1, 2, &batch.PaymentInfo{Index: 1}, "EUR")
		if p == nil || p.Index != 1 || p.Info == nil {
			t.Fatalf("payment %+v", p)
		}
	})
}
