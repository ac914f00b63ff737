package tabular

import (
	"errors"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func TestNewMappingAliases(t *testing.T) {
	tests := []struct {
		header string
		want   map[Field]int
	}{
		{strings.Join(TemplateColumns, ","), map[Field]int{EndToEndID: 0, Amount: 1, ExternalUserID: 12}},
		{"Empfänger,Empfänger IBAN,BIC,Betrag,Währung,Verwendungszweck,Ausführungsdatum",
			map[Field]int{CreditorName: 0, CreditorIBAN: 1, CreditorBIC: 2, Amount: 3, Currency: 4, RemittanceInfo: 5, RequestedExecutionDate: 6}},
		{"Bénéficiaire,IBAN du bénéficiaire,Swift,Montant,Devise,Libellé,Date d'exécution",
			map[Field]int{CreditorName: 0, CreditorIBAN: 1, CreditorBIC: 2, Amount: 3, Currency: 4, RemittanceInfo: 5, RequestedExecutionDate: 6}},
		{"Name, Beneficiary IBAN ,Amount (EUR),Reference,End-to-End-ID",
			map[Field]int{CreditorName: 0, CreditorIBAN: 1, Amount: 2, RemittanceInfo: 3, EndToEndID: 4}},
		// The template name wins over an alias wherever it stands.
		{"date,amount,iban,name,requested_execution_date",
			map[Field]int{RequestedExecutionDate: 4, Amount: 1}},
		// Otherwise the leftmost alias.
		{"IBAN,Empfänger IBAN,Name,Betrag", map[Field]int{CreditorIBAN: 0, Currency: -1}},
	}
	for _, tt := range tests {
		m := NewMapping(strings.Split(tt.header, ","))
		for f, want := range tt.want {
			if got := m.Column(f); got != want {
				t.Errorf("%q: column of %s = %d, want %d", tt.header, f.Name(), got, want)
			}
		}
	}
	if m := NewMapping([]string{"Amount (CHF)", "IBAN"}); m.hintCcy != "CHF" {
		t.Errorf("hint currency = %q, want CHF", m.hintCcy)
	}
}

func TestFindHeader(t *testing.T) {
	rows := [][]string{
		{"Gehaltsliste März 2025"},
		{},
		{"Erstellt am", "01.03.2025"},
		{"Name", "IBAN", "Betrag"},
		{"Erika", "DE89370400440532013000", "1,00"},
	}
	at, m, err := FindHeader(rows)
	if err != nil || at != 3 || m.Column(Amount) != 2 {
		t.Fatalf("FindHeader = %d, %v, %v; want row 3", at, m, err)
	}

	fileErr := func(rows [][]string, want string) {
		t.Helper()
		_, _, err := FindHeader(rows)
		var fe *batch.FileError
		if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(fe.Message, want) {
			t.Errorf("FindHeader error = %v, want FF01 containing %q", err, want)
		}
	}
	fileErr([][]string{{"a", "b"}, {"1", "2"}}, "no header row")
	fileErr([][]string{{"Name", "Betrag"}}, "creditor_iban")
	fileErr([][]string{{"debtor_name", "debtor_iban", "amount", "currency"}}, "direct-debit")
	fileErr(nil, "no header row")
}
