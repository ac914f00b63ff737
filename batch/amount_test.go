package batch

import (
	"errors"
	"testing"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, cur string
		want    int64
		err     error
	}{
		{"0.29", "EUR", 29, nil},
		{"1.15", "EUR", 115, nil},
		{"4.35", "EUR", 435, nil},
		{"1234.5", "EUR", 123450, nil},
		{"1.500", "EUR", 150, nil},
		{"+7", "EUR", 700, nil},
		{"-3.01", "EUR", -301, nil},
		{"1200", "JPY", 1200, nil},
		{"1.5", "JPY", 0, ErrAmountPrecision},
		{"1.234", "KWD", 1234, nil},
		{"1.234", "EUR", 0, ErrAmountPrecision},
		{"1,50", "EUR", 0, ErrAmountSyntax},
		{"", "EUR", 0, ErrAmountSyntax},
		{".", "EUR", 0, ErrAmountSyntax},
		{"1e3", "EUR", 0, ErrAmountSyntax},
		{"99999999999999999999", "EUR", 0, ErrAmountRange},
		{"1", "XXX", 0, ErrCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.in+tt.cur, func(t *testing.T) {
			a, err := ParseAmount(tt.in, tt.cur)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && a.Minor != tt.want {
				t.Fatalf("minor = %d, want %d", a.Minor, tt.want)
			}
		})
	}
}

func TestAmountString(t *testing.T) {
	for _, tt := range []struct {
		a    Amount
		want string
	}{
		{Amount{29, "EUR"}, "0.29"},
		{Amount{5, "EUR"}, "0.05"},
		{Amount{-5, "EUR"}, "-0.05"},
		{Amount{123450, "EUR"}, "1234.50"},
		{Amount{1200, "JPY"}, "1200"},
		{Amount{1, "KWD"}, "0.001"},
	} {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%+v: got %q want %q", tt.a, got, tt.want)
		}
	}
}

func TestDecimalSumAndEqual(t *testing.T) {
	a, _ := ParseDecimal("0.1")
	b, _ := ParseDecimal("0.20")
	s, ok := a.Add(b)
	want, _ := ParseDecimal("0.3")
	if !ok || !s.Equal(want) {
		t.Fatalf("0.1+0.20 = %v, want 0.3", s)
	}
	if got := s.Format(2); got != "0.30" {
		t.Fatalf("Format(2) = %q", got)
	}
}
