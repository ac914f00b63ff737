package batch

import "strings"

// MaskIBAN hides the middle of an account number for logs: the country,
// check digits and the last four characters stay, so a person can still
// tell two accounts apart ("DE89************3000"). Short values are
// masked whole.
func MaskIBAN(s string) string {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 10 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}
