package reports

import (
	"strings"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
)

// Neutralize makes a CSV cell inert for spreadsheets (OWASP "CSV
// injection"): a cell starting with = + - @ tab or CR is prefixed with a
// single quote, which Excel and LibreOffice show as text instead of
// evaluating. A cell that reads as a plain number ("-5.00", "+3",
// "-1234,56" with a decimal comma) is left alone: it cannot run anything
// and a quote would turn an amount column into text.
//
// XLSX summaries do not need this: their cells are written as string cells
// (never formulas), and a leading quote would show up as part of the value.
func Neutralize(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if isNumber(s) {
		return s
	}
	return "'" + s
}

func isNumber(s string) bool {
	if _, err := batch.ParseDecimal(s); err == nil {
		return true
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		_, err := batch.ParseDecimal(strings.Replace(s, ",", ".", 1))
		return err == nil
	}
	return false
}

// stripForbidden drops characters XML 1.0 forbids (NUL, ESC and the other
// C0 controls but tab, CR and LF) and invalid UTF-8 from a summary cell:
// XLSX cannot hold them and in a CSV they only break the tools reading it.
func stripForbidden(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !xmlAllowed(r) {
			return strings.Map(func(r rune) rune {
				if r == utf8.RuneError || !xmlAllowed(r) {
					return -1
				}
				return r
			}, s)
		}
	}
	return s
}
