package batch

import (
	"testing"
	"unicode/utf8"
)

func TestTransliterate(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Hello World 123 /-?:().,'+", "Hello World 123 /-?:().,'+", true},
		{"", "", true},
		{"Müller Straße", "Mueller Strasse", true},
		{"Ärzte GmbH", "Aerzte GmbH", true},
		{"MÜLLER", "MUELLER", true},
		{"Öl & Gas", "Oel + Gas", true},
		{"Café Niño façade", "Cafe Nino facade", true},
		{"Søren Åberg", "Soren Aberg", true},
		{"Encyclopædia Œuvre", "Encyclopaedia Oeuvre", true},
		{"Łódź Kraków", "Lodz Krakow", true},
		{"Dvořák Šťastný", "Dvorak Stastny", true},
		{"Fa\u00a0ctura\t2024", "Fa ctura 2024", true},
		{"Rechnung „12“ – Teil", "Rechnung '12' - Teil", true},
		{"10 €", "10 EUR", true},
		{"a@b.com", "a.b.com", false},
		{"日本", "..", false},
		{"x\xffy", "x.y", false},
	}
	for _, tt := range tests {
		got, ok := Transliterate(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Transliterate(%q) = %q, %t; want %q, %t", tt.in, got, ok, tt.want, tt.ok)
		}
		if !IsSEPAText(got) {
			t.Errorf("Transliterate(%q) = %q holds non-SEPA characters", tt.in, got)
		}
	}
}

func TestIsSEPAChar(t *testing.T) {
	for _, r := range "azAZ09/-?:().,'+ " {
		if !IsSEPAChar(r) {
			t.Errorf("%q should be SEPA", r)
		}
	}
	for _, r := range "&_@#*!\"é\t\n;=" {
		if IsSEPAChar(r) {
			t.Errorf("%q should not be SEPA", r)
		}
	}
	for _, r := range []rune{-1, 0, 0x7f, 0x80, utf8.MaxRune + 1} {
		if IsSEPAChar(r) {
			t.Errorf("%d should not be SEPA", r)
		}
	}
}

// TestIsSEPATextBytes: IsSEPAText's byte table agrees with IsSEPAChar,
// and no byte of a multi-byte character passes.
func TestIsSEPATextBytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		if got, want := IsSEPAText(string([]byte{byte(b)})), IsSEPAChar(rune(b)) && b < utf8.RuneSelf; got != want {
			t.Errorf("IsSEPAText(%#x) = %v, want %v", b, got, want)
		}
	}
}
