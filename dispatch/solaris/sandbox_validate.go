package solaris

// Small format checks the sandbox applies as Solaris would. They are not the
// batch validators: the sandbox must judge what the adapter actually sent.

// validIBAN checks shape and the mod-97 check digits.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i < 2 && 'A' <= c && c <= 'Z':
		case i >= 2 && i < 4 && '0' <= c && c <= '9':
		case i >= 4 && ('0' <= c && c <= '9' || 'A' <= c && c <= 'Z'):
		default:
			return false
		}
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		if c >= 'A' {
			rem = (rem*100 + int(c-'A'+10)) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return rem == 1
}

// validBIC checks the 8 or 11 character form.
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'A' <= c && c <= 'Z'
		digit := '0' <= c && c <= '9'
		if i < 6 && !letter || i >= 6 && !letter && !digit {
			return false
		}
	}
	return true
}
