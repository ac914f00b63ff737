package tabular

import (
	"errors"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, ccy string
		minor   int64
		wantCcy string
		err     error
		textCcy string
	}{
		{"1.500,00", "EUR", 150000, "EUR", nil, ""},
		{"1,500.00", "EUR", 150000, "EUR", nil, ""},
		{"1500,5", "EUR", 150050, "EUR", nil, ""},
		{"1500.5", "EUR", 150050, "EUR", nil, ""},
		{"12,50", "EUR", 1250, "EUR", nil, ""},
		{"0,29", "EUR", 29, "EUR", nil, ""},
		{"0,500", "EUR", 50, "EUR", nil, ""},
		{".50", "EUR", 50, "EUR", nil, ""},
		{"1 500,00", "EUR", 150000, "EUR", nil, ""},
		{"1\u00a0500,00", "EUR", 150000, "EUR", nil, ""},
		{"1'500.00", "CHF", 150000, "CHF", nil, ""},
		{"1.500.000", "EUR", 150000000, "EUR", nil, ""},
		{"1,234,567.89", "EUR", 123456789, "EUR", nil, ""},
		{"€ 12,50", "EUR", 1250, "EUR", nil, "EUR"},
		{"12.50 EUR", "EUR", 1250, "EUR", nil, "EUR"},
		{"12.50 usd", "", 1250, "USD", nil, "USD"},
		{"-5,00", "EUR", -500, "EUR", nil, ""},
		{"1500", "JPY", 1500, "JPY", nil, ""},
		{"1.500", "EUR", 0, "", ErrAmountAmbiguous, ""},
		{"1,500", "EUR", 0, "", ErrAmountAmbiguous, ""},
		{"12.345", "EUR", 0, "", ErrAmountAmbiguous, ""},
		{"1234.567", "EUR", 0, "", batch.ErrAmountPrecision, ""},
		{"1.2345,00", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"1,50,00", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"1.500.00", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"12a", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"1,", "EUR", 0, "", batch.ErrAmountSyntax, ""},
		{"5", "XXX", 0, "", batch.ErrCurrency, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			a, textCcy, err := ParseAmount(tt.in, tt.ccy)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseAmount(%q) error = %v, want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAmount(%q): %v", tt.in, err)
			}
			if a.Minor != tt.minor || a.Currency != tt.wantCcy || textCcy != tt.textCcy {
				t.Errorf("ParseAmount(%q) = %d %s (text %q), want %d %s (text %q)", tt.in, a.Minor, a.Currency, textCcy, tt.minor, tt.wantCcy, tt.textCcy)
			}
		})
	}
}

func TestNormalizeDate(t *testing.T) {
	tests := map[string]string{
		"2025-03-01":           "2025-03-01",
		"01.03.2025":           "2025-03-01",
		"1.3.2025":             "2025-03-01",
		"01/03/2025":           "2025-03-01",
		" 31.12.2025 ":         "2025-12-31",
		"31.02.2025":           "31.02.2025",
		"03/31/2025":           "03/31/2025",
		"2026-01-27T13:21:38Z": "2026-01-27T13:21:38Z",
		"morgen":               "morgen",
		"":                     "",
	}
	for in, want := range tests {
		if got := NormalizeDate(in); got != want {
			t.Errorf("NormalizeDate(%q) = %q, want %q", in, got, want)
		}
	}
}
