package batch

import (
	"strings"
	"time"
)

// Header is what a file says about itself before its payments: the pain.001
// group header, or what paybatch derives for CSV and XLSX.
type Header struct {
	// Format is "pain.001.001.03" (the base version, national suffixes
	// dropped), "csv" or "xlsx".
	Format string
	// MessageName is the input's real message name including any national
	// variant, e.g. "pain.001.001.03.ch.02"; for pain.002 OrgnlMsgNmId.
	MessageName string
	// Namespace is the XML namespace of the Document, if any.
	Namespace string

	MsgID            string
	CreationDateTime string
	// NbOfTxs and CtrlSum as declared in the group header, if present.
	NbOfTxs    int
	HasNbOfTxs bool
	CtrlSum    Decimal
	HasCtrlSum bool

	InitiatingPartyName string
	InitiatingPartyID   string
}

// PaymentInfo is one pain.001 PmtInf block (a CSV/XLSX file has one implied
// block). Payments point to theirs.
type PaymentInfo struct {
	Index      int // 1-based position in the file
	ID         string
	Method     string // PmtMtd, "TRF" for credit transfers
	NbOfTxs    int
	HasNbOfTxs bool
	CtrlSum    Decimal
	HasCtrlSum bool

	RequestedExecutionDate string // as written (YYYY-MM-DD or a date-time)
	CategoryPurpose        string // CtgyPurp/Cd, e.g. SALA
	ServiceLevel           string // SvcLvl/Cd, e.g. SEPA
	BatchBooking           string

	DebtorName string
	DebtorIBAN string
	DebtorBIC  string
	// UltimateDebtorID is UltmtDbtr/Id/PrvtId/Othr/Id (or OrgId) at PmtInf
	// level; p100 uses it as the paying user's external id.
	UltimateDebtorID string
}

// Payment is one credit transfer instruction, whatever format it came in.
type Payment struct {
	Index int // 1-based position in the file
	Row   int // CSV/XLSX row number (1-based, header included), 0 for XML

	Info *PaymentInfo // the PmtInf block it belongs to; never nil after parsing

	InstrID    string
	EndToEndID string

	// Amount is valid only when AmountText parsed; the parser records an
	// issue (AM02) otherwise and leaves Amount zero.
	Amount     Amount
	AmountText string // as written in the file, for messages and summaries

	CreditorName    string
	CreditorIBAN    string
	CreditorBIC     string
	CreditorCountry string // PstlAdr/Ctry if given
	CreditorAccount string // a non-IBAN account id (Othr/Id), if that is all there is

	RemittanceInfo   string // unstructured (Ustrd), joined
	CreditorRef      string // structured creditor reference (RF…), if any
	Purpose          string // Purp/Cd
	CategoryPurpose  string // transaction-level CtgyPurp, else the block's
	ChargeBearer     string
	UltimateDebtorID string // transaction level, else the block's

	// RequestedExecutionDate as written (CSV/XLSX) or the block's.
	RequestedExecutionDate string

	// CSV/XLSX only.
	DebtorAccount  string // debtor_account column: IBAN or account alias
	Provider       string // provider column: the provider to route to
	ExternalUserID string // external_user_id column (p100 user)

	// Issues found while parsing and validating; Warnings were accepted
	// with a change (e.g. a transliterated name).
	Issues   []Issue
	Warnings []Issue
}

// Valid reports whether the payment has no issues.
func (p *Payment) Valid() bool { return len(p.Issues) == 0 }

// AddIssue records a problem with a field of the payment.
func (p *Payment) AddIssue(field string, code ReasonCode, msg string) {
	p.Issues = append(p.Issues, p.issue(field, code, msg))
}

// AddWarning records a change made to a field that was then accepted.
func (p *Payment) AddWarning(field string, code ReasonCode, msg string) {
	p.Warnings = append(p.Warnings, p.issue(field, code, msg))
}

// issue copies the EndToEndID: a parser's strings may be cut from a buffer
// of many rows (see parser/csv), which an Issue kept after its payment,
// by paybatch validate say, should not keep alive.
func (p *Payment) issue(field string, code ReasonCode, msg string) Issue {
	return Issue{Index: p.Index, Row: p.Row, EndToEndID: strings.Clone(p.EndToEndID), Field: field, Code: code, Message: msg}
}

// DebtorIBAN is the debtor account of the payment's block, or the CSV column.
func (p *Payment) DebtorIBAN() string {
	if p.DebtorAccount != "" {
		return p.DebtorAccount
	}
	if p.Info != nil {
		return p.Info.DebtorIBAN
	}
	return ""
}

// ExecutionDate parses RequestedExecutionDate (a date or a date-time) into a
// calendar date in loc. ok is false when the field is empty or malformed.
func (p *Payment) ExecutionDate(loc *time.Location) (d time.Time, ok bool) {
	s := p.RequestedExecutionDate
	if s == "" {
		return time.Time{}, false
	}
	if len(s) >= 10 {
		if t, err := time.ParseInLocation("2006-01-02", s[:10], loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
