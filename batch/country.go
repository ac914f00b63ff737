package batch

import "strings"

// iso3166 holds the ISO 3166-1 alpha-2 country codes (officially assigned,
// 249), plus XK: Kosovo's user-assigned code, which the SWIFT IBAN registry
// and BIC directory both use. A BIC's country must be one of these.
var iso3166 = func() map[string]bool {
	const codes = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
XK`
	m := make(map[string]bool, 250)
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

// IsCountryCode reports whether s is an ISO 3166-1 alpha-2 code (or XK).
func IsCountryCode(s string) bool {
	return len(s) == 2 && isUpper(s[0]) && isUpper(s[1]) && countryTable[letterIndex(s[0])*26+letterIndex(s[1])]
}

// countryTable is iso3166 indexed by the two letters, for the BIC check
// every payment goes through.
var countryTable = func() (t [26 * 26]bool) {
	for c := range iso3166 {
		t[letterIndex(c[0])*26+letterIndex(c[1])] = true
	}
	return t
}()
