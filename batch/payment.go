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
//
// It holds what nearly every payment has; the fields few payments carry
// are in Extra. A parser allocates a Payment for every row of a file, and
// at a hundred thousand rows those bytes are much of what parsing costs:
// this way a Payment takes 256 bytes instead of 384.
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

	RemittanceInfo string // unstructured (Ustrd), joined

	// RequestedExecutionDate as written (CSV/XLSX) or the block's.
	RequestedExecutionDate string

	// Extra holds the fields few payments carry, nil when a payment has
	// none of them. Read them through the methods of the same names,
	// which take nil as empty; set them through Extras.
	Extra *PaymentExtra

	// Issues found while parsing and validating; Warnings were accepted
	// with a change (e.g. a transliterated name).
	Issues   []Issue
	Warnings []Issue
}

// PaymentExtra holds the fields of a Payment that few payments carry.
type PaymentExtra struct {
	CreditorAccount string // a non-IBAN account id (Othr/Id), if that is all there is
	CreditorRef     string // structured creditor reference (RF…), if any
	Purpose         string // Purp/Cd
	// CategoryPurpose and UltimateDebtorID as given at transaction level;
	// Payment's methods fall back to the block's.
	CategoryPurpose  string
	UltimateDebtorID string
	ChargeBearer     string

	// CSV/XLSX only.
	DebtorAccount  string // debtor_account column: IBAN or account alias
	Provider       string // provider column: the provider to route to
	ExternalUserID string // external_user_id column (p100 user)
}

// NewExtra returns e, or nil when all its fields are empty: what a parser
// sets Payment.Extra to.
func NewExtra(e PaymentExtra) *PaymentExtra {
	if len(e.CreditorAccount)|len(e.CreditorRef)|len(e.Purpose)|len(e.CategoryPurpose)|len(e.UltimateDebtorID)|
		len(e.ChargeBearer)|len(e.DebtorAccount)|len(e.Provider)|len(e.ExternalUserID) == 0 {
		return nil // all empty; cheaper than e == PaymentExtra{}, which compares each string
	}
	p := new(PaymentExtra) // not &e: that would put every e on the heap
	*p = e
	return p
}

// Extras returns p.Extra, made first if p has none, to set a field of it.
func (p *Payment) Extras() *PaymentExtra {
	if p.Extra == nil {
		p.Extra = new(PaymentExtra)
	}
	return p.Extra
}

// noExtra is what the accessors read when a payment has no Extra. Nothing
// writes to it.
var noExtra PaymentExtra

func (p *Payment) extra() *PaymentExtra {
	if p.Extra != nil {
		return p.Extra
	}
	return &noExtra
}

// CreditorAccount is a non-IBAN account id (Othr/Id), if that is all there is.
func (p *Payment) CreditorAccount() string { return p.extra().CreditorAccount }

// CreditorRef is the structured creditor reference (RF…), if any.
func (p *Payment) CreditorRef() string { return p.extra().CreditorRef }

// Purpose is Purp/Cd, or the CSV/XLSX purpose column.
func (p *Payment) Purpose() string { return p.extra().Purpose }

// ChargeBearer is ChrgBr at transaction level.
func (p *Payment) ChargeBearer() string { return p.extra().ChargeBearer }

// DebtorAccount is the CSV/XLSX debtor_account column: IBAN or account alias.
func (p *Payment) DebtorAccount() string { return p.extra().DebtorAccount }

// Provider is the CSV/XLSX provider column: the provider to route to.
func (p *Payment) Provider() string { return p.extra().Provider }

// ExternalUserID is the CSV/XLSX external_user_id column (p100 user).
func (p *Payment) ExternalUserID() string { return p.extra().ExternalUserID }

// CategoryPurpose is the transaction-level CtgyPurp, else the block's.
func (p *Payment) CategoryPurpose() string {
	if s := p.extra().CategoryPurpose; s != "" || p.Info == nil {
		return s
	}
	return p.Info.CategoryPurpose
}

// UltimateDebtorID is the transaction-level ultimate debtor id, else the
// block's.
func (p *Payment) UltimateDebtorID() string {
	if s := p.extra().UltimateDebtorID; s != "" || p.Info == nil {
		return s
	}
	return p.Info.UltimateDebtorID
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
	if s := p.DebtorAccount(); s != "" {
		return s
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
