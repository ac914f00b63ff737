package xlsx

import (
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// artefactDigits is the number of significant digits from which a stored
// number is taken for a binary-float artefact. Excel writes doubles with up
// to 17 significant digits, so 1.15 is stored as "1.1499999999999999" and
// 0.29 as "0.28999999999999998"; nobody types 15 digits into an amount.
const artefactDigits = 15

// exactNumber returns the decimal a number cell stands for. Stored values
// with artefactDigits or more significant digits, or in exponent form, are
// the nearest double of a shorter decimal: strconv's shortest round-trip
// formatting recovers that decimal exactly ("1.15"), with no rounding of
// our own. Anything else is returned as stored, so that text cells such as
// "1.500" still meet the locale rules (ambiguous) instead of becoming 1.5.
func exactNumber(raw string) string {
	if !isNumber(raw) {
		return raw
	}
	if !strings.ContainsAny(raw, "eE") && significantDigits(raw) < artefactDigits {
		return raw
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return raw
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// isNumber reports whether s has the form Excel stores numbers in:
// [-]digits[.digits][E[+-]digits].
func isNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := strings.Cut(strings.ToUpper(s), "E")
	if hasExp {
		exp = strings.TrimLeft(exp, "+-")
		if exp == "" || !digitsOnly(exp) {
			return false
		}
	}
	i, f, _ := strings.Cut(mant, ".")
	return i != "" && digitsOnly(i) && digitsOnly(f)
}

func significantDigits(s string) int {
	s = strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0")
	return len(s)
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// maxSerial is 9999-12-31 as an Excel date serial.
const maxSerial = 2958465

// dateCell turns a date serial (what a date-typed cell stores, e.g. "45717")
// into YYYY-MM-DD; text dates are returned unchanged for tabular to read.
func dateCell(raw string, date1904 bool) string {
	if !isNumber(raw) || strings.ContainsAny(raw, "eE-") {
		return raw
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 1 || v > maxSerial {
		return raw
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return raw
	}
	return t.Format("2006-01-02")
}

// scientific reports whether a stored account number lost digits: a long
// numeric account id typed into a number cell is kept by Excel as a double
// and shown (and often stored) as 1.23456789012346E+17.
func scientific(raw string) bool {
	return isNumber(raw) && strings.ContainsAny(raw, "eE")
}
