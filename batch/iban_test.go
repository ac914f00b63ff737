package batch

import (
	"bytes"
	"errors"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestValidateIBAN(t *testing.T) {
	tests := []struct {
		name string
		in   string
		err  error // nil: valid
	}{
		{"DE registry example", "DE89370400440532013000", nil},
		{"GB alphanumeric bank code", "GB29NWBK60161331926819", nil},
		{"MT with c segment", "MT84MALT011000012345MTLCAST001S", nil},
		{"check digits 98 are issued", "GB98MIDL07009312345678", nil},
		{"empty", "", ErrIBANLength},
		{"too short", "DE89", ErrIBANLength},
		{"lower case is not normalised here", "de89370400440532013000", ErrIBANCharacters},
		{"space is not normalised here", "DE89 370400440532013000", ErrIBANCharacters},
		{"non-ASCII", "DE89370400440532013ä00", ErrIBANCharacters},
		{"letters where check digits go", "DEAA370400440532013000", ErrIBANCharacters},
		{"digits where the country goes", "1289370400440532013000", ErrIBANCharacters},
		{"unknown country", "XX89370400440532013000", ErrIBANCountry},
		{"territory code", "GF121234512345123456789AB13", ErrIBANCountry},
		{"one character short", "DE8937040044053201300", ErrIBANLength},
		{"one character long", "DE893704004405320130000", ErrIBANLength},
		{"letter in a numeric BBAN", "DE89370400440532013A00", ErrIBANFormat},
		{"digit in an alphabetic bank code", "GB29NWB160161331926819", ErrIBANFormat},
		{"check digits wrong", "DE88370400440532013000", ErrIBANCheckDigits},
		{"transposed digits", "DE89370400440532031000", ErrIBANCheckDigits},
		{"check digits 00", "GB00HLFX11016111455365", ErrIBANCheckDigits},
		// GB01 passes mod-97 (01 ≡ 98): rejected by the range rule alone.
		{"check digits 01 pass mod-97", "GB01BARC20714583608387", ErrIBANCheckDigits},
		{"check digits 99", "GB99MIDL07009312345678", ErrIBANCheckDigits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateIBAN(tt.in)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("ValidateIBAN(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			var ie *IBANError
			if !errors.As(err, &ie) || !errors.Is(err, tt.err) {
				t.Fatalf("ValidateIBAN(%q) = %v, want *IBANError wrapping %v", tt.in, err, tt.err)
			}
			if ie.IBAN != tt.in || ie.Reason == "" {
				t.Fatalf("IBANError = %+v", ie)
			}
		})
	}
}

func TestIBANErrorReason(t *testing.T) {
	var ie *IBANError
	if err := ValidateIBAN("DE8937040044053201300"); !errors.As(err, &ie) || ie.Reason != "wrong length for DE (want 22, got 21)" {
		t.Fatalf("got %v", err)
	}
	if err := ValidateIBAN("JE51DEUT40508112345678"); !errors.As(err, &ie) || ie.Reason != "unknown country JE (accounts there have GB IBANs)" {
		t.Fatalf("got %v", err)
	}
}

func TestNormalizeIBAN(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"DE89370400440532013000", "DE89370400440532013000"},
		{"de89 3704 0044 0532 0130 00", "DE89370400440532013000"},
		{"  DE89\t3704\u00a00044 0532 0130 00 ", "DE89370400440532013000"},
		{"IBAN DE89 3704 0044 0532 0130 00", "DE89370400440532013000"},
		{"iban: de89-3704-0044-0532-0130-00", "DE89370400440532013000"},
		{"NO44 1850.05.14562", "NO4418500514562"},
		{"DE89/3704", "DE89/3704"}, // kept, so ValidateIBAN rejects it
		{"", ""},
	} {
		if got := NormalizeIBAN(tt.in); got != tt.want {
			t.Errorf("NormalizeIBAN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIBANCountry(t *testing.T) {
	for in, want := range map[string]string{"DE89370400440532013000": "DE", "D": "", "": "", "12345": "", "de89": ""} {
		if got := IBANCountry(in); got != want {
			t.Errorf("IBANCountry(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIBANRegistryTable(t *testing.T) {
	if len(ibanRegistry) != 89 {
		t.Errorf("registry has %d countries, want 89 (release 102)", len(ibanRegistry))
	}
	for cc, want := range map[string]int{"DE": 22, "FR": 27, "GB": 22, "NO": 15, "RU": 33, "LC": 32, "CZ": 24} {
		if got := ibanRegistry[cc].Length; got != want {
			t.Errorf("%s length %d, want %d", cc, got, want)
		}
	}
	for cc, spec := range ibanRegistry {
		n := 4
		for _, s := range spec.BBAN {
			n += s.N
		}
		if n != spec.Length {
			t.Errorf("%s: segments sum to %d, length %d", cc, n, spec.Length)
		}
	}
	// The territories DESIGN.md names must be the registry's.
	for terr, parent := range map[string]string{
		"GF": "FR", "GP": "FR", "MQ": "FR", "RE": "FR", "PM": "FR", "YT": "FR", "NC": "FR", "PF": "FR",
		"BL": "FR", "MF": "FR", "WF": "FR", "TF": "FR", "IM": "GB", "JE": "GB", "GG": "GB", "AX": "FI",
	} {
		if got := ibanTerritories[terr]; got != parent {
			t.Errorf("territory %s -> %q, want %s", terr, got, parent)
		}
	}
}

// TestCompiledBBAN checks the per-position classes against matchBBAN's
// segment walk for every registry country: a conforming BBAN, each
// position changed to a character of every other class, and one
// character short and long.
func TestCompiledBBAN(t *testing.T) {
	samples := map[byte]byte{'n': '7', 'a': 'Q', 'c': 'K', 'e': ' '}
	others := []byte{'0', '9', 'A', 'Z', ' ', 'a', '-', 0x80}
	for cc, spec := range ibanRegistry {
		cs := ibanSpecs[letterIndex(cc[0])*26+letterIndex(cc[1])]
		if cs == nil || cs.classes == nil {
			t.Fatalf("%s: not compiled", cc)
		}
		var good []byte
		for _, seg := range spec.BBAN {
			for range seg.N {
				good = append(good, samples[seg.Kind])
			}
		}
		try := func(b []byte) {
			if got, want := cs.matchBBAN(string(b)), matchBBAN(string(b), spec.BBAN); got != want {
				t.Errorf("%s %q: compiled %v, segments %v", cc, b, got, want)
			}
		}
		try(good)
		try(good[:len(good)-1])
		try(append(append([]byte(nil), good...), '1'))
		for i := range good {
			for _, c := range others {
				b := append([]byte(nil), good...)
				b[i] = c
				try(b)
			}
		}
	}
}

// TestMod97 checks mod97 against big-integer arithmetic on the rearranged,
// letters-to-digits string ISO 7064 defines.
func TestMod97(t *testing.T) {
	ref := func(s string) int {
		var digits strings.Builder
		for _, c := range s[4:] + s[:4] {
			if c >= 'A' && c <= 'Z' {
				digits.WriteString(strconv.Itoa(int(c-'A') + 10))
			} else {
				digits.WriteRune(c)
			}
		}
		n, _ := new(big.Int).SetString(digits.String(), 10)
		return int(new(big.Int).Mod(n, big.NewInt(97)).Int64())
	}
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, s := range []string{"DE89370400440532013000", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "99999999999999999999999999999999999", "0000"} {
		if got, want := mod97(s), ref(s); got != want {
			t.Errorf("mod97(%q) = %d, want %d", s, got, want)
		}
	}
	for range 20000 {
		b := make([]byte, 4+r.IntN(31))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		if got, want := mod97(string(b)), ref(string(b)); got != want {
			t.Fatalf("mod97(%q) = %d, want %d", b, got, want)
		}
	}
	// Mostly digits, as BBANs are: runs of eight take the word-at-a-time
	// path, next to a letter, a ':' or '/' (just below and above the
	// digits) and at every offset.
	const digitsMostly = "01234567890123456789012345678901234567890123456789ABZ:/"
	for range 20000 {
		b := make([]byte, 4+r.IntN(31))
		for i := range b {
			b[i] = digitsMostly[r.IntN(len(digitsMostly))]
		}
		for i := 0; i+8 <= len(b); i++ {
			w := string(b[i : i+8])
			n, ok := eightDigits(w)
			want, err := strconv.ParseUint(w, 10, 64)
			if allDigits := !strings.ContainsAny(w, "ABZ:/"); ok != allDigits || ok && (err != nil || n != want) {
				t.Fatalf("eightDigits(%q) = %d, %v", w, n, ok)
			}
		}
		if bytes.ContainsAny(b, ":/") {
			continue
		}
		if got, want := mod97(string(b)), ref(string(b)); got != want {
			t.Fatalf("mod97(%q) = %d, want %d", b, got, want)
		}
	}
}

func TestEightDigits(t *testing.T) {
	for _, tc := range []struct {
		s  string
		n  uint64
		ok bool
	}{
		{"00000000", 0, true}, {"12345678", 12345678, true}, {"99999999", 99999999, true},
		{"1234567/", 0, false}, {"/1234567", 0, false}, {"1234:678", 0, false}, {"A2345678", 0, false},
		{"1234567\xb9", 0, false}, {"\x00\x00\x00\x00\x00\x00\x00\x00", 0, false},
	} {
		if n, ok := eightDigits(tc.s); n != tc.n || ok != tc.ok {
			t.Errorf("eightDigits(%q) = %d, %v", tc.s, n, ok)
		}
	}
}
