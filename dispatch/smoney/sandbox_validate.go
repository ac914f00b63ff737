package smoney

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

// territories are BIC countries whose accounts carry another country's IBAN.
var territories = map[string]string{
	"GF": "FR", "GP": "FR", "MQ": "FR", "RE": "FR", "PM": "FR", "YT": "FR", "NC": "FR", "PF": "FR", "BL": "FR", "MF": "FR", "WF": "FR",
	"IM": "GB", "JE": "GB", "GG": "GB", "AX": "FI",
}

// bicCountry is the IBAN country a BIC's country code stands for.
func bicCountry(bic string) string {
	c := bic[4:6]
	if t, ok := territories[c]; ok {
		return t
	}
	return c
}
