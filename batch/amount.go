package batch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxAmountMinor is the largest amount the validators accept, in minor units
// of a two-decimal currency: 999 999 999.99 (the SEPA scheme's ceiling).
const MaxAmountMinor int64 = 99999999999

// Amount is money: an integer count of minor units of one ISO 4217 currency.
// There is deliberately no float64 anywhere on its path.
type Amount struct {
	Minor    int64  // minor units (cents for EUR)
	Currency string // ISO 4217 code, upper case
}

// Errors returned by ParseAmount. They are classified with errors.Is.
var (
	ErrAmountSyntax    = errors.New("amount is not a decimal number")
	ErrAmountPrecision = errors.New("amount has more decimals than the currency allows")
	ErrAmountRange     = errors.New("amount is out of range")
	ErrCurrency        = errors.New("unknown currency")
)

// ParseAmount reads a plain decimal ("1234.5", "0.29", "-3") in the given
// currency. Only '.' is accepted as the decimal separator: locale-specific
// forms are the CSV reader's job. Trailing zeros beyond the currency's
// exponent are accepted ("1.500" EUR), other extra digits are not.
func ParseAmount(s, currency string) (Amount, error) {
	exp, ok := CurrencyExponent(currency)
	if !ok {
		return Amount{}, fmt.Errorf("%w %q", ErrCurrency, currency)
	}
	d, err := ParseDecimal(s)
	if err != nil {
		return Amount{}, err
	}
	minor, err := d.Rescale(exp)
	if err != nil {
		return Amount{}, err
	}
	return Amount{Minor: minor, Currency: currency}, nil
}

// Exponent is the currency's number of minor-unit digits (2 if unknown).
func (a Amount) Exponent() int {
	if e, ok := CurrencyExponent(a.Currency); ok {
		return e
	}
	return 2
}

// Decimal returns the amount as an exact decimal number.
func (a Amount) Decimal() Decimal { return Decimal{Units: a.Minor, Scale: a.Exponent()} }

// String formats the amount as the decimal the XML and the providers expect,
// e.g. "1234.50" for EUR, "1200" for JPY.
func (a Amount) String() string { return a.Decimal().String() }

// Decimal is an exact decimal number Units × 10^-Scale. It carries control
// sums, which add amounts without regard to currency, exactly.
type Decimal struct {
	Units int64
	Scale int
}

// maxScale bounds how many fraction digits a Decimal keeps. ISO 20022 allows
// up to 17 for CtrlSum; real files use 2 or 3, with trailing zeros at most.
const maxScale = 6

// ParseDecimal parses an optionally signed decimal with '.' as separator.
// Trailing fraction zeros beyond maxScale are dropped; other digits there are
// an ErrAmountPrecision.
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Decimal{}, ErrAmountSyntax
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" || hasDot && frac == "" && intPart == "" {
		return Decimal{}, ErrAmountSyntax
	}
	if !allDigits(intPart) || !allDigits(frac) {
		return Decimal{}, ErrAmountSyntax
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > maxScale {
		return Decimal{}, ErrAmountPrecision
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart)+len(frac) > 18 {
		return Decimal{}, ErrAmountRange
	}
	// At most 18 digits: they fit an int64 without overflow checks, and
	// reading them in place saves joining the two parts into a string.
	var u int64
	for i := 0; i < len(intPart); i++ {
		u = u*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < len(frac); i++ {
		u = u*10 + int64(frac[i]-'0')
	}
	if neg {
		u = -u
	}
	return Decimal{Units: u, Scale: len(frac)}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// Rescale returns the value as an integer count of 10^-scale units, failing
// with ErrAmountPrecision if that would drop non-zero digits.
func (d Decimal) Rescale(scale int) (int64, error) {
	switch {
	case scale == d.Scale:
		return d.Units, nil
	case scale > d.Scale:
		m := pow10[scale-d.Scale]
		if d.Units > 0 && d.Units > (1<<63-1)/m || d.Units < 0 && d.Units < -(1<<63-1)/m {
			return 0, ErrAmountRange
		}
		return d.Units * m, nil
	default:
		m := pow10[d.Scale-scale]
		if d.Units%m != 0 {
			return 0, ErrAmountPrecision
		}
		return d.Units / m, nil
	}
}

// Add returns d+o exactly, or false on overflow.
func (d Decimal) Add(o Decimal) (Decimal, bool) {
	s := max(d.Scale, o.Scale)
	a, err1 := d.Rescale(s)
	b, err2 := o.Rescale(s)
	if err1 != nil || err2 != nil {
		return Decimal{}, false
	}
	r := a + b
	if (a > 0 && b > 0 && r < 0) || (a < 0 && b < 0 && r >= 0) {
		return Decimal{}, false
	}
	return Decimal{Units: r, Scale: s}, true
}

// Equal compares two decimals by value (1.5 equals 1.50).
func (d Decimal) Equal(o Decimal) bool {
	s := max(d.Scale, o.Scale)
	a, err1 := d.Rescale(s)
	b, err2 := o.Rescale(s)
	return err1 == nil && err2 == nil && a == b
}

// String formats with exactly Scale fraction digits.
func (d Decimal) String() string { return d.Format(d.Scale) }

// Format formats with at least minScale fraction digits ("12.30" for 2).
func (d Decimal) Format(minScale int) string {
	u := d.Units
	scale := d.Scale
	if minScale > scale {
		if v, err := d.Rescale(minScale); err == nil {
			u, scale = v, minScale
		}
	}
	neg := u < 0
	var digits string
	if neg {
		digits = strconv.FormatUint(uint64(-(u+1))+1, 10)
	} else {
		digits = strconv.FormatInt(u, 10)
	}
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}
