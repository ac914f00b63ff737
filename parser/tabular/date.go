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
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}
