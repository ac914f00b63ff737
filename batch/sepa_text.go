package batch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of the SEPA rulebook / pain.001 schema, in characters.
const (
	MaxNameLen       = 70
	MaxRemittanceLen = 140
	MaxIDLen         = 35
)

// IsSEPAChar reports whether r is in the EPC basic Latin character set:
// a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
func IsSEPAChar(r rune) bool {
	return r >= 0 && r < utf8.RuneSelf && sepaASCII[r]
}

// sepaASCII is the SEPA set as a table: IsSEPAText runs over every name,
// id and remittance line of a file.
var sepaASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "/-?:().,'+ " {
		t[c] = true
	}
	return t
}()

// IsSEPAText reports whether every character of s is in the SEPA set.
func IsSEPAText(s string) bool {
	for i := 0; i < len(s); i++ {
		if !sepaByte[s[i]] {
			return false
		}
	}
	return true
}

// sepaByte is sepaASCII for any byte, false from utf8.RuneSelf on: one
// lookup per byte of every name, id and remittance line.
var sepaByte = func() (t [256]bool) {
	copy(t[:], sepaASCII[:])
	return t
}()

// sepaConversions follows the EPC's conversion guidance (EPC217-08) for
// Latin-1 and Latin Extended-A: accents dropped, German umlauts and
// ligatures spelt out, typographic punctuation to its plain form. A table
// rather than Unicode decomposition so that what we change is reviewable.
var sepaConversions = func() map[rune]string {
	m := map[rune]string{
		'Ä': "AE", 'ä': "ae", 'Ö': "OE", 'ö': "oe", 'Ü': "UE", 'ü': "ue",
		'ß': "ss", 'ẞ': "SS", 'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe",
		'Þ': "TH", 'þ': "th", 'Ĳ': "IJ", 'ĳ': "ij", 'Ð': "D", 'ð': "d",
		'&': "+", '_': "-", '\\': "/", '[': "(", ']': ")", '{': "(", '}': ")",
		'"': "'", '‘': "'", '’': "'", '‚': "'", '“': "'", '”': "'", '„': "'",
		'«': "'", '»': "'", '`': "'", '´': "'",
		'–': "-", '—': "-", '‐': "-", '‑': "-",
		'\t': " ", '\u00a0': " ", '\u202f': " ", '\u2009': " ",
		'€': "EUR",
	}
	for _, g := range []struct{ from, to string }{
		{"ÀÁÂÃÅĀĂĄ", "A"}, {"àáâãåāăą", "a"},
		{"ÇĆĈĊČ", "C"}, {"çćĉċč", "c"},
		{"ĎĐ", "D"}, {"ďđ", "d"},
		{"ÈÉÊËĒĔĖĘĚ", "E"}, {"èéêëēĕėęě", "e"},
		{"ĜĞĠĢ", "G"}, {"ĝğġģ", "g"},
		{"ĤĦ", "H"}, {"ĥħ", "h"},
		{"ÌÍÎÏĨĪĬĮİ", "I"}, {"ìíîïĩīĭįı", "i"},
		{"Ĵ", "J"}, {"ĵ", "j"},
		{"Ķ", "K"}, {"ķĸ", "k"},
		{"ĹĻĽĿŁ", "L"}, {"ĺļľŀł", "l"},
		{"ÑŃŅŇŊ", "N"}, {"ñńņňŉŋ", "n"},
		{"ÒÓÔÕØŌŎŐ", "O"}, {"òóôõøōŏő", "o"},
		{"ŔŖŘ", "R"}, {"ŕŗř", "r"},
		{"ŚŜŞŠȘ", "S"}, {"śŝşšș", "s"},
		{"ŢŤŦȚ", "T"}, {"ţťŧț", "t"},
		{"ÙÚÛŨŪŬŮŰŲ", "U"}, {"ùúûũūŭůűų", "u"},
		{"Ŵ", "W"}, {"ŵ", "w"},
		{"ÝŶŸ", "Y"}, {"ýÿŷ", "y"},
		{"ŹŻŽ", "Z"}, {"źżž", "z"},
	} {
		for _, r := range g.from {
			m[r] = g.to
		}
	}
	return m
}()

// Transliterate converts s to the SEPA character set. ok is false when a
// character has no conversion; such characters come out as '.' so that the
// result still only holds SEPA characters. An upper-case letter spelt out as
// two ("Ä") is written "Ae" before a lower-case letter ("Ärzte" -> "Aerzte")
// and "AE" otherwise ("MÜLLER" -> "MUELLER").
func Transliterate(s string) (out string, ok bool) {
	if IsSEPAText(s) {
		return s, true
	}
	ok = true
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		if r < utf8.RuneSelf && IsSEPAChar(r) {
			b.WriteRune(r)
			continue
		}
		rep, found := sepaConversions[r]
		if !found {
			ok = false
			b.WriteByte('.')
			continue
		}
		if len(rep) == 2 && unicode.IsUpper(r) {
			if next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):]); unicode.IsLower(next) {
				rep = rep[:1] + strings.ToLower(rep[1:])
			}
		}
		b.WriteString(rep)
	}
	return b.String(), ok
}
