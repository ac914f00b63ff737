package httpx

import "strings"

// MaskIBAN keeps the first 4 and last 4 characters of an IBAN for logs,
// enough to tell accounts apart without exposing them.
func MaskIBAN(iban string) string {
	s := strings.ReplaceAll(iban, " ", "")
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
}
