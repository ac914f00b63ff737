package batch

import (
	"errors"
	"strconv"
	"strings"
)

//go:generate go run ./internal/ibangen -in ../../shared/corpus/iban/registry/swift_iban_registry_202606.r102.txt -out iban_registry.go

// ibanSpec is one country of the SWIFT IBAN registry (see iban_registry.go).
type ibanSpec struct {
	Name      string
	Length    int           // whole IBAN, country code and check digits included
	Structure string        // registry notation, e.g. "DE2!n8!n10!n"
	SEPA      bool          // a SEPA country per the registry
	BBAN      []bbanSegment // the structure after the check digits
}

// bbanSegment is one "4!n"-style element of a BBAN structure.
type bbanSegment struct {
	N     int  // length (maximum when not Fixed)
	Kind  byte // 'n' digits, 'a' upper-case letters, 'c' upper-case alphanumeric, 'e' space
	Fixed bool // "!": exactly N characters
}

// Sentinels for IBANError.Err, so callers classify with errors.Is.
var (
	ErrIBANCharacters  = errors.New("iban: bad characters")
	ErrIBANCountry     = errors.New("iban: unknown country")
	ErrIBANLength      = errors.New("iban: wrong length")
	ErrIBANFormat      = errors.New("iban: BBAN format")
	ErrIBANCheckDigits = errors.New("iban: check digits")
)

// IBANError says why an IBAN was rejected. A payment's creditor IBAN failing
// any of these is AC01.
type IBANError struct {
	IBAN   string
	Reason string // short, for a person: "wrong length for DE (want 22, got 21)"
	Err    error  // one of the ErrIBAN* sentinels
}

func (e *IBANError) Error() string { return "invalid IBAN " + strconv.Quote(e.IBAN) + ": " + e.Reason }

func (e *IBANError) Unwrap() error { return e.Err }

// NormalizeIBAN turns what people type into the electronic form: it drops an
// "IBAN" / "IBAN:" prefix, whitespace (including no-break spaces, which come
// with text pasted from PDFs) and the '-' and '.' some print forms use to
// group digits, and upper-cases the rest. Anything else is kept so that
// ValidateIBAN can reject it rather than a mistyped character being silently
// dropped.
func NormalizeIBAN(s string) string {
	if isElectronic(s) {
		return s // the common case in a file: no allocation
	}
	s = strings.TrimSpace(s)
	if len(s) >= 4 && strings.EqualFold(s[:4], "IBAN") {
		s = strings.TrimPrefix(s[4:], ":")
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\n' || r == '\r' || r == '-' || r == '.':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IBANCountry returns the IBAN's first two characters (its ISO 3166 country
// code), or "" when it is too short or they are not letters.
func IBANCountry(iban string) string {
	if len(iban) < 2 || !isUpper(iban[0]) || !isUpper(iban[1]) {
		return ""
	}
	return iban[:2]
}

// ValidateIBAN checks an IBAN in electronic form (see NormalizeIBAN):
// characters, registry country, length, BBAN structure, check-digit range
// and ISO 7064 mod-97. It returns nil or an *IBANError.
//
// National check digits inside the BBAN (ES, PT, ...) are not verified: the
// registry does not define them and a wrong one is caught by the bank.
// Check digits 00, 01 and 99 are rejected although 01 and 99 can pass
// mod-97: ISO 13616 computes 98 - (n mod 97), which is always 02..98, so
// those values only appear in mangled or made-up IBANs.
func ValidateIBAN(s string) error {
	if validIBAN(s) {
		return nil
	}
	return explainIBAN(s)
}

// validIBAN reports whether ValidateIBAN accepts s, in one pass over it:
// each BBAN character is checked against its position's class and added
// to the mod-97 remainder at once, eight digits at a time where the
// structure has digits, instead of the four passes explainIBAN makes to
// say what is wrong. FuzzValidateIBAN holds the two to the same verdict.
func validIBAN(s string) bool {
	if len(s) < 5 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	spec := ibanSpecs[letterIndex(s[0])*26+letterIndex(s[1])]
	if spec == nil || len(s) != spec.Length || len(spec.classes) != len(s)-4 {
		return false
	}
	if ck := s[2:4]; ck == "00" || ck == "01" || ck == "99" {
		return false
	}
	bban, cl := s[4:], spec.classes
	var r uint64
	for i := 0; i < len(bban); {
		if i+8 <= len(bban) && spec.digits>>i&0xFF == 0xFF {
			if v, ok := eightDigits(bban[i:]); ok {
				r = (r*1e8 + v) % 97
				i += 8
				continue
			}
		}
		c := bban[i]
		shift := mod97Shift[c] // 0 for anything but A-Z and 0-9
		if shift == 0 || charClass[c]&cl[i] == 0 {
			return false
		}
		r = (r*uint64(shift) + uint64(mod97Value[c])) % 97
		i++
	}
	return mod97Run(r, s[:4]) == 1
}

// explainIBAN is ValidateIBAN step by step, for the error that says which
// check failed.
func explainIBAN(s string) error {
	fail := func(err error, reason string) error { return &IBANError{IBAN: s, Reason: reason, Err: err} }
	if len(s) < 5 {
		return fail(ErrIBANLength, "too short")
	}
	for i := 0; i < len(s); i++ {
		if mod97Shift[s[i]] == 0 { // neither A-Z nor 0-9
			return fail(ErrIBANCharacters, "bad characters: only A-Z and 0-9 are allowed")
		}
	}
	cc := IBANCountry(s)
	if cc == "" || !isDigit(s[2]) || !isDigit(s[3]) {
		return fail(ErrIBANCharacters, "bad characters: must start with a country code and two check digits")
	}
	spec := ibanSpecs[letterIndex(cc[0])*26+letterIndex(cc[1])]
	if spec == nil {
		// Territories such as GF or JE have no IBANs of their own in the
		// registry: their banks issue FR or GB IBANs. Say so, since some
		// libraries generate GF... IBANs that pass mod-97.
		if parent, ok := ibanTerritories[cc]; ok {
			return fail(ErrIBANCountry, "unknown country "+cc+" (accounts there have "+parent+" IBANs)")
		}
		return fail(ErrIBANCountry, "unknown country "+cc)
	}
	if len(s) != spec.Length {
		return fail(ErrIBANLength, "wrong length for "+cc+" (want "+strconv.Itoa(spec.Length)+", got "+strconv.Itoa(len(s))+")")
	}
	if !spec.matchBBAN(s[4:]) {
		return fail(ErrIBANFormat, "BBAN format: does not match "+spec.Structure)
	}
	if ck := s[2:4]; ck == "00" || ck == "01" || ck == "99" {
		return fail(ErrIBANCheckDigits, "check digits "+ck+" are never issued")
	}
	if mod97(s) != 1 {
		return fail(ErrIBANCheckDigits, "check digits do not match")
	}
	return nil
}

// ibanSpecs is ibanRegistry indexed by the two country letters, each with
// its BBAN compiled to one character class per position.
var ibanSpecs = func() (t [26 * 26]*compiledSpec) {
	for cc, spec := range ibanRegistry {
		cs := &compiledSpec{ibanSpec: spec, classes: compileBBAN(spec.BBAN)}
		for i, c := range cs.classes {
			if c&classDigit != 0 && i < 64 {
				cs.digits |= 1 << i
			}
		}
		t[letterIndex(cc[0])*26+letterIndex(cc[1])] = cs
	}
	return t
}()

type compiledSpec struct {
	ibanSpec
	// classes has the charClass bits allowed at each BBAN position, nil
	// when a segment has a variable length (the registry has none).
	classes []byte
	// digits has bit i set when BBAN position i may hold a digit.
	digits uint64
}

// charClass sorts the characters a BBAN segment kind allows.
var charClass = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = classDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = classUpper
	}
	t[' '] = classSpace
	return t
}()

const (
	classDigit = 1 << iota
	classUpper
	classSpace
)

func compileBBAN(segs []bbanSegment) []byte {
	var classes []byte
	for _, seg := range segs {
		if !seg.Fixed {
			return nil
		}
		var c byte
		switch seg.Kind {
		case 'n':
			c = classDigit
		case 'a':
			c = classUpper
		case 'c':
			c = classDigit | classUpper
		case 'e':
			c = classSpace
		}
		for range seg.N {
			classes = append(classes, c)
		}
	}
	return classes
}

// matchBBAN is matchBBAN(bban, s.BBAN), one table lookup per character
// when every segment has a fixed length.
func (s *compiledSpec) matchBBAN(bban string) bool {
	if s.classes == nil {
		return matchBBAN(bban, s.BBAN)
	}
	if len(bban) != len(s.classes) {
		return false
	}
	for i := 0; i < len(bban); i++ {
		if charClass[bban[i]]&s.classes[i] == 0 {
			return false
		}
	}
	return true
}

// matchBBAN matches the BBAN against the registry segments. A segment
// without "!" takes as many characters of its class as it can, up to N;
// the SWIFT registry currently uses fixed lengths only.
func matchBBAN(bban string, segs []bbanSegment) bool {
	i := 0
	for _, seg := range segs {
		n := 0
		for n < seg.N && i+n < len(bban) && inClass(bban[i+n], seg.Kind) {
			n++
		}
		if seg.Fixed && n != seg.N {
			return false
		}
		i += n
	}
	return i == len(bban)
}

func inClass(c, kind byte) bool {
	switch kind {
	case 'n':
		return isDigit(c)
	case 'a':
		return isUpper(c)
	case 'c':
		return isDigit(c) || isUpper(c)
	case 'e':
		return c == ' '
	}
	return false
}

// mod97 computes ISO 7064 MOD 97-10 over the IBAN rearranged (first four
// characters moved to the end, letters as 10..35) without big integers.
// The caller has checked that s holds only A-Z and 0-9 and at least four
// characters.
func mod97(s string) int {
	return int(mod97Run(mod97Run(0, s[4:]), s[:4]))
}

// mod97Run continues the remainder r (< 97) over s. Eight digits are read
// at once where they come in a row, as most of a BBAN does; otherwise
// eight characters add at most sixteen digits, so r stays below
// 97e16 < 2^64 between the remainders taken after every eight.
func mod97Run(r uint64, s string) uint64 {
	for len(s) > 0 {
		if len(s) >= 8 {
			if v, ok := eightDigits(s); ok {
				r = (r*1e8 + v) % 97
				s = s[8:]
				continue
			}
		}
		n := min(len(s), 8)
		for i := 0; i < n; i++ {
			// A digit shifts one decimal place, a letter (10..35) two.
			c := s[i]
			r = r*uint64(mod97Shift[c]) + uint64(mod97Value[c])
		}
		r %= 97
		s = s[n:]
	}
	return r
}

// eightDigits reads s[:8] as a decimal number if those are eight ASCII
// digits, with a few word operations instead of eight steps (the SWAR
// check and parse of simdjson and fast_float).
func eightDigits(s string) (uint64, bool) {
	x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	// Each byte is 0x30..0x39 exactly when its high nibble is 3 and
	// adding 6 leaves it 3.
	if x&0xF0F0F0F0F0F0F0F0|(x+0x0606060606060606)&0xF0F0F0F0F0F0F0F0>>4 != 0x3333333333333333 {
		return 0, false
	}
	x -= 0x3030303030303030
	x = x*10 + x>>8 // pairs of digits in every other byte
	const mask, mul1, mul2 = 0x000000FF000000FF, 100 + 1000000<<32, 1 + 10000<<32
	return (x&mask*mul1 + x>>16&mask*mul2) >> 32, true
}

// mod97Shift and mod97Value are what a character adds to the number mod97
// reads (tables, not branches: a digit or a letter is unpredictable).
var mod97Shift, mod97Value = func() (shift, value [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		shift[c], value[c] = 10, uint8(c-'0')
	}
	for c := 'A'; c <= 'Z'; c++ {
		shift[c], value[c] = 100, uint8(c-'A'+10)
	}
	return shift, value
}()

// isElectronic reports whether s holds only A-Z and 0-9 and does not start
// with an "IBAN" prefix, so that normalising would not change it.
func isElectronic(s string) bool {
	for i := 0; i < len(s); i++ {
		if mod97Shift[s[i]] == 0 { // neither A-Z nor 0-9
			return false
		}
	}
	return !strings.HasPrefix(s, "IBAN")
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
