package tabular

import (
	"strings"
	"time"
)

// dateLayouts are the written date forms normalised to YYYY-MM-DD. Slashed
// dates are read the European way (day first): the users are European
// accounting teams, and an ambiguous US date must not pass as valid.
var dateLayouts = []string{"2006-01-02", "2.1.2006", "2/1/2006"}

// NormalizeDate returns s as YYYY-MM-DD when it is a calendar date in one of
// the accepted layouts, and otherwise s as written (trimmed), so that
// validation can report it (DT01) in the user's own words. Date-times
// ("2026-01-27T13:21:38Z") are left as written: the date part is readable.
func NormalizeDate(s string) string {
	s = strings.TrimSpace(s)
	if d, ok := fastDate(s); ok {
		return d
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}

// fastDate reads DD.MM.YYYY and YYYY-MM-DD, the forms nearly every row has,
// without time.Parse's allocations on the layouts that do not match.
func fastDate(s string) (string, bool) {
	var y, m, d int
	switch {
	case len(s) == 10 && s[2] == '.' && s[5] == '.':
		d, m, y = num(s[0:2]), num(s[3:5]), num(s[6:10])
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, m, d = num(s[0:4]), num(s[5:7]), num(s[8:10])
	default:
		return "", false
	}
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return "", false
	}
	if d > 28 && time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d { // 31.02. rolled over
		return "", false
	}
	if s[4] == '-' {
		return s, true // already normal: no copy
	}
	// The digits as written, which is what formatting the date would give.
	return s[6:10] + "-" + s[3:5] + "-" + s[0:2], true
}

func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
