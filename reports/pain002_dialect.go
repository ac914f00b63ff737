package reports

import "regexp"

// dialect holds what differs between the pain.002 versions within the
// elements paybatch writes. 002.001.10 and .11 are identical there; .03
// names the agent's BIC "BIC" (with a stricter pattern), has a plain date for
// ReqdExctnDt and the creditor without the Party40Choice wrapper.
type dialect struct {
	version   Pain002Version
	bicTag    string
	bic       *regexp.Regexp
	dateInDt  bool // ReqdExctnDt/Dt instead of ReqdExctnDt
	partyWrap bool // Cdtr/Pty/Nm instead of Cdtr/Nm
}

// Patterns copied from the XSDs, so that a value is only put where the
// schema will accept it.
var (
	bicV03   = regexp.MustCompile(`^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$`)
	bicFI    = regexp.MustCompile(`^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
	ibanRe   = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$`)
	ccyRe    = regexp.MustCompile(`^[A-Z]{3}$`)
	xsDateTm = regexp.MustCompile(`^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$`)
)

func dialectOf(v Pain002Version) dialect {
	if v == Pain002V03 {
		return dialect{version: v, bicTag: "BIC", bic: bicV03}
	}
	return dialect{version: v, bicTag: "BICFI", bic: bicFI, dateInDt: true, partyWrap: true}
}

// isDateTime reports whether s is an xs:dateTime as the schemas require for
// OrgnlCreDtTm; a malformed input date is left out, not copied.
func isDateTime(s string) bool { return xsDateTm.MatchString(s) }
