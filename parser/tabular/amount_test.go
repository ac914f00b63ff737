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

// The fast path must agree with the general one on every amount it
// accepts, and accept the everyday forms.
func TestPlainAmountMatchesGeneral(t *testing.T) {
	const alphabet = "0159.,"
	var gen func(prefix string, n int)
	accepted := 0
	gen = func(s string, n int) {
		if s != "" {
			for _, ccy := range []string{"EUR", "JPY", "BHD"} {
				fast, ok := plainAmount(s, ccy)
				if !ok {
					continue
				}
				accepted++
				plain, err := normalizeNumber(s)
				if err != nil {
					t.Fatalf("%q %s: fast path %v, general path %v", s, ccy, fast, err)
				}
				slow, err := batch.ParseAmount(plain, ccy)
				if err != nil || slow != fast {
					t.Fatalf("%q %s: fast path %v, general path %v %v", s, ccy, fast, slow, err)
				}
			}
		}
		if n == 0 {
			return
		}
		for i := range alphabet {
			gen(s+alphabet[i:i+1], n-1)
		}
	}
	gen("", 7)
	for _, s := range []string{"1.000,00", "1,000.00", "12,50", "1234.5", "1'000.50"[2:], "100", "0,290"} {
		if _, ok := plainAmount(s, "EUR"); !ok {
			t.Errorf("%q not taken by the fast path", s)
		}
	}
	t.Logf("%d amounts taken by the fast path", accepted)
}
