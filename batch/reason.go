package batch

// ReasonCode is an ISO 20022 ExternalStatusReason1Code. paybatch uses exactly
// the set in DESIGN.md so that reports, JSON output and tests agree.
type ReasonCode string

// The reason codes of the design's contract table.
const (
	ReasonNone ReasonCode = ""

	FF01 ReasonCode = "FF01" // file unreadable, malformed, unknown version, empty
	DU01 ReasonCode = "DU01" // file already processed
	AM18 ReasonCode = "AM18" // NbOfTxs mismatch (whole file)
	AM10 ReasonCode = "AM10" // CtrlSum mismatch (whole file)
	AC01 ReasonCode = "AC01" // creditor IBAN invalid
	RC01 ReasonCode = "RC01" // BIC malformed or inconsistent with the IBAN
	CH16 ReasonCode = "CH16" // field too long or outside the SEPA character set
	RR03 ReasonCode = "RR03" // creditor name missing
	AM01 ReasonCode = "AM01" // amount zero or negative
	AM02 ReasonCode = "AM02" // amount too large, too many decimals, or unreadable
	AM03 ReasonCode = "AM03" // currency not allowed on the route
	AM05 ReasonCode = "AM05" // duplicate EndToEndId in the batch
	DT01 ReasonCode = "DT01" // requested execution date malformed
	FF08 ReasonCode = "FF08" // EndToEndId missing where required
	AM04 ReasonCode = "AM04" // provider: insufficient funds
	AC04 ReasonCode = "AC04" // provider: account closed
	AC06 ReasonCode = "AC06" // provider: account blocked
	AG01 ReasonCode = "AG01" // provider: transaction forbidden
	BE01 ReasonCode = "BE01" // provider: name mismatch (Verification of Payee)
	NARR ReasonCode = "NARR" // anything else, details in AddtlInf
)

var reasonText = map[ReasonCode]string{
	FF01: "invalid file format",
	DU01: "duplicate file",
	AM18: "number of transactions does not match",
	AM10: "control sum does not match",
	AC01: "incorrect account number",
	RC01: "bank identifier incorrect",
	CH16: "invalid content or length",
	RR03: "creditor name missing",
	AM01: "zero or negative amount",
	AM02: "amount not allowed",
	AM03: "currency not allowed",
	AM05: "duplicate end-to-end ID",
	DT01: "invalid date",
	FF08: "end-to-end ID missing",
	AM04: "insufficient funds",
	AC04: "account closed",
	AC06: "account blocked",
	AG01: "transaction forbidden",
	BE01: "creditor name does not match the account",
	NARR: "see additional information",
}

// Text is a short English description of the code, for summaries.
func (c ReasonCode) Text() string { return reasonText[c] }

// FileLevel reports whether the code rejects a whole file rather than a line.
func (c ReasonCode) FileLevel() bool {
	switch c {
	case FF01, DU01, AM18, AM10:
		return true
	}
	return false
}
