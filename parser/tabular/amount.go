package tabular

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/paybatch/paybatch/batch"
)

// ErrAmountAmbiguous is returned for amounts such as "1.500" that read as
// both 1.5 and 1500: paybatch never guesses which one the sender meant.
var ErrAmountAmbiguous = errors.New("amount is ambiguous: one separator followed by three digits may be a decimal point or a thousands separator")

// ParseAmount reads an amount as people type it in spreadsheets: decimal
// point or comma, thousands separators ('.', ',', space, no-break space,
// apostrophe) when they cannot be mistaken for the decimal separator, and a
// currency symbol or ISO code before or after the number ("€ 12,50",
// "12.50 EUR"). The code found in the text, if any, is returned so the
// caller can compare it with the currency column.
//
// Errors wrap batch.ErrAmountSyntax, batch.ErrAmountPrecision,
// batch.ErrAmountRange, batch.ErrCurrency or ErrAmountAmbiguous.
func ParseAmount(s, currency string) (a batch.Amount, textCcy string, err error) {
	if a, ok := plainAmount(s, currency); ok {
		return a, "", nil
	}
	num, textCcy := stripCurrency(strings.TrimSpace(s))
	if textCcy != "" && currency == "" {
		currency = textCcy
	}
	plain, err := normalizeNumber(num)
	if err != nil {
		return batch.Amount{}, textCcy, fmt.Errorf("amount %q: %w", s, err)
	}
	a, err = batch.ParseAmount(plain, currency)
	if err != nil {
		return batch.Amount{}, textCcy, fmt.Errorf("amount %q: %w", s, err)
	}
	return a, textCcy, nil
}

// plainAmount is ParseAmount's fast path for the amounts nearly every row
// has: digits with '.' or ',' separators and no sign, currency or spaces,
// in a known currency. It reads them in place, without the strings the
// general path builds, and follows normalizeNumber's rules. It reports
// false for anything it does not accept, including every error: the
// general path then decides and words the error.
func plainAmount(s, currency string) (batch.Amount, bool) {
	exp, ok := batch.CurrencyExponent(currency)
	if !ok || s == "" || len(s) > 40 || !isDigit(s[0]) || !isDigit(s[len(s)-1]) {
		return batch.Amount{}, false
	}
	dots, commas, last := 0, 0, -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '.':
			dots++
			last = i
		case c == ',':
			commas++
			last = i
		case !isDigit(c):
			return batch.Amount{}, false
		}
	}
	// Where the decimal separator is, if any (normalizeNumber's rules).
	dec := -1
	switch {
	case dots > 0 && commas > 0:
		if dots > 1 && s[last] == '.' || commas > 1 && s[last] == ',' {
			return batch.Amount{}, false
		}
		dec = last
	case dots > 1 || commas > 1:
	case dots == 1 || commas == 1:
		if frac := len(s) - last - 1; frac == 3 && last <= 3 && s[0] != '0' {
			return batch.Amount{}, false // ambiguous
		}
		dec = last
	}
	intPart, frac := s, ""
	if dec >= 0 {
		intPart, frac = s[:dec], s[dec+1:]
	}
	// Thousands groups: the first of 1-3 digits, the others of exactly 3.
	var units int64
	n, group, groups := 0, 0, 1 // significant digits, digits in group, groups
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if !isDigit(c) {
			if group == 0 || groups == 1 && group > 3 || groups > 1 && group != 3 {
				return batch.Amount{}, false
			}
			group = 0
			groups++
			continue
		}
		group++
		if n > 0 || c != '0' {
			n++
			units = units*10 + int64(c-'0')
		}
	}
	if group == 0 || groups > 1 && group != 3 {
		return batch.Amount{}, false
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 6 || n+len(frac) > 18 {
		return batch.Amount{}, false
	}
	for i := 0; i < len(frac); i++ {
		units = units*10 + int64(frac[i]-'0')
	}
	minor, err := batch.Decimal{Units: units, Scale: len(frac)}.Rescale(exp)
	if err != nil {
		return batch.Amount{}, false
	}
	return batch.Amount{Minor: minor, Currency: currency}, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var currencySymbols = map[string]string{"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "Fr.": "CHF", "CHF": "CHF"}

// stripCurrency removes one currency symbol or three-letter code at either
// end of s and returns what is left and the ISO code it stood for.
func stripCurrency(s string) (string, string) {
	for sym, code := range currencySymbols {
		if rest, ok := strings.CutPrefix(s, sym); ok {
			return strings.TrimSpace(rest), code
		}
		if rest, ok := strings.CutSuffix(s, sym); ok {
			return strings.TrimSpace(rest), code
		}
	}
	if len(s) > 3 {
		if c := strings.ToUpper(s[:3]); isCurrency(c) && isLetters(s[:3]) {
			return strings.TrimSpace(s[3:]), c
		}
		if c := strings.ToUpper(s[len(s)-3:]); isCurrency(c) && isLetters(s[len(s)-3:]) {
			return strings.TrimSpace(s[:len(s)-3]), c
		}
	}
	return s, ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// normalizeNumber turns a locale-formatted number into the plain form
// batch.ParseDecimal reads ("1.500,00" → "1500.00"). Rules, in order:
//   - spaces, no-break spaces and apostrophes are thousands separators;
//   - with both '.' and ',' present, the last one is the decimal separator;
//   - one kind of separator appearing twice or more is a thousands separator;
//   - a single separator is the decimal one, unless it is followed by exactly
//     three digits after a 1–3 digit, non-zero integer part ("1.500",
//     "12,345") and no other grouping settled the question: that is
//     ambiguous and an error.
//
// Every thousands group must have exactly three digits.
func normalizeNumber(s string) (string, error) {
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], strings.TrimSpace(s[1:])
	}
	var b strings.Builder
	spaced := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '’':
			spaced = true
			b.WriteByte(' ')
		case r == '.' || r == ',' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", batch.ErrAmountSyntax
		}
	}
	s = b.String()
	if s == "" {
		return "", batch.ErrAmountSyntax
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var dec byte // the decimal separator, 0 if none
	switch {
	case dots > 0 && commas > 0:
		dec = s[strings.LastIndexAny(s, ".,")]
		if strings.Count(s, string(dec)) > 1 {
			return "", batch.ErrAmountSyntax
		}
	case dots > 1 || commas > 1:
		// Only thousands separators.
	case dots == 1 || commas == 1:
		sep := byte('.')
		if commas == 1 {
			sep = ','
		}
		i := strings.IndexByte(s, sep)
		intPart, frac := s[:i], s[i+1:]
		if len(frac) == 3 && !spaced && len(intPart) >= 1 && len(intPart) <= 3 && intPart[0] != '0' {
			return "", ErrAmountAmbiguous
		}
		dec = sep
	}
	intPart, frac := s, ""
	if dec != 0 {
		i := strings.LastIndexByte(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if !allDigits(frac) || frac == "" {
			return "", batch.ErrAmountSyntax
		}
	}
	if intPart == "" && dec != 0 {
		intPart = "0" // ".50"
	}
	groups := strings.FieldsFunc(intPart, isGroupSep)
	if len(groups) != strings.Count(intPart, ".")+strings.Count(intPart, ",")+strings.Count(intPart, " ")+1 {
		return "", batch.ErrAmountSyntax // a separator at an end or two in a row
	}
	for i, g := range groups {
		// Separators must sit exactly between groups of three digits.
		if g == "" || !allDigits(g) || i > 0 && len(g) != 3 || len(groups) > 1 && i == 0 && len(g) > 3 {
			return "", batch.ErrAmountSyntax
		}
	}
	out := sign + strings.Join(groups, "")
	if dec != 0 {
		out += "." + frac
	}
	return out, nil
}

func isGroupSep(r rune) bool { return r == '.' || r == ',' || r == ' ' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
