package tabular

import (
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func TestMappingPayment(t *testing.T) {
	m := NewMapping(strings.Split("Name;IBAN;Betrag;Währung;Datum;Anbieter;BIC", ";"))
	info := &batch.PaymentInfo{Index: 1}
	tests := []struct {
		row      string
		minor    int64
		ccy      string
		date     string
		issue    batch.ReasonCode // first issue, "" for none
		issueFld string
	}{
		{"Erika;DE89 3704 0044 0532 0130 00;1.500,00;;01.03.2025;P100;cobadeffxxx", 150000, "EUR", "2025-03-01", "", ""},
		{"Erika;DE89370400440532013000;12,50;chf;;;", 1250, "CHF", "", "", ""},
		{"Erika;DE89370400440532013000;1.500;EUR;;;", 0, "", "", batch.AM02, "amount"},
		{"Erika;DE89370400440532013000;;EUR;;;", 0, "", "", batch.AM02, "amount"},
		{"Erika;DE89370400440532013000;5;EURO;;;", 0, "EURO", "", batch.AM03, "currency"},
		{"Erika;DE89370400440532013000;5 USD;EUR;;;", 0, "", "", batch.AM03, "currency"},
		{"Erika;DE89370400440532013000", 0, "", "", batch.CH16, "row"},
		{"Erika;DE89370400440532013000;5;EUR;;;;x", 500, "EUR", "", batch.CH16, "row"},
		{"Erika;DE89370400440532013000;5;EUR;;;;;", 500, "EUR", "", "", ""},
	}
	for i, tt := range tests {
		p := m.Payment(strings.Split(tt.row, ";"), i+1, i+2, info, "")
		if p.Index != i+1 || p.Row != i+2 || p.Info != info {
			t.Errorf("%q: index/row/info = %d/%d/%p", tt.row, p.Index, p.Row, p.Info)
		}
		if p.Amount.Minor != tt.minor || p.Amount.Currency != tt.ccy || p.RequestedExecutionDate != tt.date {
			t.Errorf("%q: amount %d %s date %q, want %d %s %q", tt.row, p.Amount.Minor, p.Amount.Currency, p.RequestedExecutionDate, tt.minor, tt.ccy, tt.date)
		}
		switch {
		case tt.issue == "" && len(p.Issues) > 0:
			t.Errorf("%q: unexpected issues %v", tt.row, p.Issues)
		case tt.issue != "" && (len(p.Issues) == 0 || p.Issues[0].Code != tt.issue || p.Issues[0].Field != tt.issueFld):
			t.Errorf("%q: issues %v, want %s on %s", tt.row, p.Issues, tt.issue, tt.issueFld)
		}
	}
	p := m.Payment(strings.Split("Erika;DE89 3704;1,00;;;P100;cobadeffxxx", ";"), 1, 2, info, "")
	if p.Provider() != "p100" || p.CreditorBIC != "COBADEFFXXX" || p.CreditorIBAN != "DE89 3704" || p.AmountText != "1,00" {
		t.Errorf("fields: %+v", p)
	}
}
