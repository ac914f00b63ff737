package batch

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinels for BICError.Err, so callers classify with errors.Is.
var (
	ErrBICLength     = errors.New("bic: wrong length")
	ErrBICCharacters = errors.New("bic: bad characters")
	ErrBICCountry    = errors.New("bic: unknown country")
)

// BICError says why a BIC was rejected (RC01 on a payment).
type BICError struct {
	BIC    string
	Reason string
	Err    error // one of the ErrBIC* sentinels
}

func (e *BICError) Error() string { return "invalid BIC " + strconv.Quote(e.BIC) + ": " + e.Reason }

func (e *BICError) Unwrap() error { return e.Err }

// NormalizeBIC upper-cases and drops whitespace ("abna be 2a" -> "ABNABE2A"),
// for CSV/XLSX where people type BICs.
func NormalizeBIC(s string) string {
	if isElectronic(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0' || r == '\n' || r == '\r':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ValidateBIC checks an ISO 9362 BIC: 4 institution characters, a 2-letter
// ISO 3166 country, 2 location characters and an optional 3-character
// branch, upper case, 8 or 11 characters. It returns nil or a *BICError.
//
// The institution code may hold digits: ISO 9362:2014 made it alphanumeric
// and the pain.001 XSD pattern ([A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}...) accepts
// it, so a file the XSD accepts is not rejected here for that (schwifty's
// enforce_swift_compliance and jbub/banking reject it).
func ValidateBIC(s string) error {
	fail := func(err error, reason string) error { return &BICError{BIC: s, Reason: reason, Err: err} }
	if len(s) != 8 && len(s) != 11 {
		return fail(ErrBICLength, "must be 8 or 11 characters, got "+strconv.Itoa(len(s)))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 4 || i == 5 {
			if !isUpper(c) {
				return fail(ErrBICCharacters, "characters 5-6 must be a country code (A-Z)")
			}
			continue
		}
		if !isUpper(c) && !isDigit(c) {
			return fail(ErrBICCharacters, "bad characters: only A-Z and 0-9 are allowed")
		}
	}
	if cc := s[4:6]; !IsCountryCode(cc) {
		return fail(ErrBICCountry, "unknown country "+cc)
	}
	return nil
}

// BICCountry returns characters 5-6 of a BIC (its country), or "" when the
// BIC is too short.
func BICCountry(bic string) string {
	if len(bic) < 6 {
		return ""
	}
	return bic[4:6]
}

// BICMatchesIBANCountry reports whether the BIC's country fits the IBAN's:
// the same, or a territory whose accounts have the IBAN country's IBANs
// (GF, GP, ... with FR; IM, JE, GG with GB; AX with FI), from the table
// generated out of the IBAN registry. It is false when either country
// cannot be read.
func BICMatchesIBANCountry(bic, iban string) bool {
	bc, ic := BICCountry(bic), IBANCountry(iban)
	if bc == "" || ic == "" {
		return false
	}
	return bc == ic || ibanTerritories[bc] == ic
}
