package solaris

// validBIC checks the 8 or 11 character form, as the sandbox judges what
// the adapter actually sent (the batch validators run earlier, elsewhere).
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
