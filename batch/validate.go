package batch

import (
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"
)

// Field names used in Issues, the template's column names, so that CSV
// users find their column and XML users a recognisable name.
const (
	FieldEndToEndID    = "end_to_end_id"
	FieldInstrID       = "instruction_id"
	FieldAmount        = "amount"
	FieldCurrency      = "currency"
	FieldCreditorName  = "creditor_name"
	FieldCreditorIBAN  = "creditor_iban"
	FieldCreditorBIC   = "creditor_bic"
	FieldRemittance    = "remittance_info"
	FieldExecutionDate = "requested_execution_date"
)

// NotProvided is the EndToEndId value ISO 20022 reserves for "none given";
// many payments may carry it, so it is not a duplicate.
const NotProvided = "NOTPROVIDED"

// ValidateOptions tune the validator to the input format.
type ValidateOptions struct {
	Lenient           bool      // CSV/XLSX: normalise IBAN/BIC spacing and case before checking
	RequireEndToEndID bool      // FF08 when missing (CSV/XLSX: it is the idempotency anchor)
	Today             time.Time // for noting past execution dates; zero means no note
	// ExpectedPayments is how many payments the file says it holds (a
	// pain.001's NbOfTxs), or 0. The duplicate check is sized for that
	// many up front, up to maxExpectedIDs, instead of growing to it: a
	// claim is not trusted beyond that, so a file that lies costs at
	// most a few MB before its first payment.
	ExpectedPayments int
}

// Stats summarise the payments a Validator has seen.
type Stats struct {
	Payments   int     // all payments, valid or not
	Invalid    int     // payments with at least one issue
	ControlSum Decimal // sum of all amounts, regardless of currency (as CtrlSum is)
}

// Validator checks the payments of one file as they stream past. Its memory
// grows only with the number of distinct EndToEndIds (16 bytes each in
// ascending order, a 16-byte slot in a table at most half full once they
// are not, see idSet) and of PmtInf blocks, not with the payments
// themselves.
type Validator struct {
	opts  ValidateOptions
	today time.Time // opts.Today as a calendar date, or zero

	stats      Stats
	overflow   bool // the control sum no longer fits an int64
	unreadable int  // payments whose amount the parser could not read

	// seen holds a 128-bit keyed hash of every EndToEndId: two maphash
	// sums with independent random seeds. A map of the ids themselves
	// would hold ~80 bytes per payment (80 MB for a million); the hashes
	// take 16 to 48 MB for a million ids. A false AM05 needs a 128-bit
	// collision (about 1e-27 for a million ids), and the random seeds
	// mean a file cannot be crafted to collide or to make probes long.
	seen         idSet
	seed1, seed2 maphash.Seed

	// The block of the last payment: files have few, long blocks.
	lastInfo  *PaymentInfo
	lastBlock *blockTotals

	blocks map[*PaymentInfo]*blockTotals

	lastDate struct { // the last execution date read, see checkDate
		text string
		t    time.Time
		ok   bool
	}
}

type blockTotals struct {
	count    int
	sum      Decimal
	overflow bool
}

// NewValidator returns a validator for one file.
func NewValidator(opts ValidateOptions) *Validator {
	v := &Validator{
		opts:   opts,
		seed1:  maphash.MakeSeed(),
		seed2:  maphash.MakeSeed(),
		blocks: make(map[*PaymentInfo]*blockTotals),
	}
	v.seen.expect(min(opts.ExpectedPayments, maxExpectedIDs))
	if !opts.Today.IsZero() {
		y, m, d := opts.Today.Date()
		v.today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return v
}

// Payment checks one payment in place: normalises fields, appends Issues and
// Warnings. Call it once per payment, in file order (duplicates are
// reported on the second and later occurrences).
func (v *Validator) Payment(p *Payment) {
	v.count(p)
	v.checkIDs(p)
	v.checkAmount(p)
	v.checkCreditor(p)
	checkText(p, FieldRemittance, &p.RemittanceInfo, MaxRemittanceLen)
	v.checkDate(p)
	if !p.Valid() {
		v.stats.Invalid++
	}
}

// Stats returns what has been seen so far.
func (v *Validator) Stats() Stats { return v.stats }

func (v *Validator) count(p *Payment) {
	v.stats.Payments++
	d := p.Amount.Decimal()
	if s, ok := v.stats.ControlSum.Add(d); ok {
		v.stats.ControlSum = s
	} else {
		v.overflow = true
	}
	if hasCode(p, AM02) {
		v.unreadable++
	}
	if p.Info == nil {
		return
	}
	b := v.lastBlock
	if p.Info != v.lastInfo {
		if b = v.blocks[p.Info]; b == nil {
			b = &blockTotals{}
			v.blocks[p.Info] = b
		}
		v.lastInfo, v.lastBlock = p.Info, b
	}
	b.count++
	if s, ok := b.sum.Add(d); ok {
		b.sum = s
	} else {
		b.overflow = true
	}
}

func hasCode(p *Payment, c ReasonCode) bool {
	for _, is := range p.Issues {
		if is.Code == c {
			return true
		}
	}
	return false
}

func (v *Validator) checkIDs(p *Payment) {
	id := p.EndToEndID
	switch {
	case id == "":
		if v.opts.RequireEndToEndID {
			p.AddIssue(FieldEndToEndID, FF08, "end-to-end ID missing: this format needs one per line")
		}
	case id == NotProvided:
	default:
		checkID(p, FieldEndToEndID, id)
		if v.seenBefore(id) {
			p.AddIssue(FieldEndToEndID, AM05, "end-to-end ID "+strconv.Quote(id)+" already used earlier in this batch")
		}
	}
	if p.InstrID != "" {
		checkID(p, FieldInstrID, p.InstrID)
	}
}

// seenBefore records id and reports whether it was recorded before.
func (v *Validator) seenBefore(id string) bool {
	return v.seen.addID(id, maphash.String(v.seed1, id), maphash.String(v.seed2, id))
}

// checkID checks an identifier without converting it: an id is matched
// against later status reports and provider records, so changing it would
// lose the match. Non-SEPA characters are therefore an issue, not a warning.
func checkID(p *Payment, field, id string) {
	if msg := idProblem(id); msg != "" {
		p.AddIssue(field, CH16, msg)
	}
}

// idProblem returns what is wrong with an identifier (MsgId, PmtInfId,
// InstrId, EndToEndId), or "". The '/' rules are the EPC's for references.
func idProblem(id string) string {
	switch {
	case len(id) > MaxIDLen && !IsSEPAText(id):
		return "holds characters outside the SEPA set"
	case len(id) > MaxIDLen:
		return "longer than " + strconv.Itoa(MaxIDLen) + " characters (" + strconv.Itoa(len(id)) + ")"
	case !IsSEPAText(id):
		return "holds characters outside the SEPA set"
	case strings.IndexByte(id, '/') < 0: // most ids: no '/' rule applies
	case strings.HasPrefix(id, "/") || strings.HasSuffix(id, "/"):
		return "must not start or end with '/'"
	case strings.Contains(id, "//"):
		return "must not contain '//'"
	}
	return ""
}

// maxAmount is 999 999 999.99, the SEPA ceiling, whatever the currency.
var maxAmount = Decimal{Units: MaxAmountMinor, Scale: 2}

func (v *Validator) checkAmount(p *Payment) {
	// The parser already recorded an unreadable amount or currency; a
	// second issue on the zero it left would only confuse.
	if hasCode(p, AM02) || hasCode(p, AM03) {
		return
	}
	a := p.Amount
	if _, ok := CurrencyExponent(a.Currency); !ok {
		if a.Currency == "" {
			p.AddIssue(FieldCurrency, AM03, "currency missing")
		} else {
			p.AddIssue(FieldCurrency, AM03, "currency "+strconv.Quote(a.Currency)+" not allowed: not an ISO 4217 code")
		}
		return
	}
	switch d := a.Decimal(); {
	case a.Minor <= 0:
		p.AddIssue(FieldAmount, AM01, "amount "+d.String()+" is zero or negative")
	case decimalGreater(d, maxAmount):
		p.AddIssue(FieldAmount, AM02, "amount "+d.String()+" is above 999999999.99")
	}
}

// decimalGreater reports a > b; values that cannot be brought to a common
// scale are too large for an int64 there and so greater.
func decimalGreater(a, b Decimal) bool {
	s := max(a.Scale, b.Scale)
	x, err1 := a.Rescale(s)
	y, err2 := b.Rescale(s)
	if err1 != nil || err2 != nil {
		return err1 != nil
	}
	return x > y
}

func (v *Validator) checkCreditor(p *Payment) {
	if strings.TrimSpace(p.CreditorName) == "" {
		p.AddIssue(FieldCreditorName, RR03, "creditor name missing")
	} else {
		checkText(p, FieldCreditorName, &p.CreditorName, MaxNameLen)
	}

	// Nearly every IBAN is in electronic form and valid: one pass says so.
	ibanOK := validIBAN(p.CreditorIBAN)
	if v.opts.Lenient {
		// Assign only what changed: a store of a string costs a GC write
		// barrier, and files mostly hold IBANs in electronic form.
		if !ibanOK {
			if s := NormalizeIBAN(p.CreditorIBAN); s != p.CreditorIBAN {
				p.CreditorIBAN = s
			}
		}
		if s := NormalizeBIC(p.CreditorBIC); s != p.CreditorBIC {
			p.CreditorBIC = s
		}
	}
	switch {
	case ibanOK:
	case p.CreditorIBAN != "":
		if err := ValidateIBAN(p.CreditorIBAN); err != nil {
			p.AddIssue(FieldCreditorIBAN, AC01, reasonOf(err))
		} else {
			ibanOK = true
		}
	case p.CreditorAccount() != "":
		p.AddIssue(FieldCreditorIBAN, AC01, "no IBAN: account "+strconv.Quote(p.CreditorAccount())+" is not an IBAN")
	default:
		p.AddIssue(FieldCreditorIBAN, AC01, "creditor IBAN missing")
	}

	if p.CreditorBIC == "" {
		return
	}
	if err := ValidateBIC(p.CreditorBIC); err != nil {
		p.AddIssue(FieldCreditorBIC, RC01, reasonOf(err))
		return
	}
	if ibanOK && !BICMatchesIBANCountry(p.CreditorBIC, p.CreditorIBAN) {
		p.AddIssue(FieldCreditorBIC, RC01, "BIC country "+BICCountry(p.CreditorBIC)+" does not match IBAN country "+IBANCountry(p.CreditorIBAN))
	}
}

// reasonOf is the human part of an IBAN or BIC error, for Issue.Message.
func reasonOf(err error) string {
	switch e := err.(type) {
	case *IBANError:
		return "IBAN " + e.Reason
	case *BICError:
		return "BIC " + e.Reason
	}
	return err.Error()
}

// checkText converts a free-text field to the SEPA set in place and checks
// its length. A conversion is a warning (the payment goes ahead with the
// converted text); what cannot be converted or does not fit is an issue.
func checkText(p *Payment, field string, s *string, maxLen int) {
	if *s == "" {
		return
	}
	out, ok := Transliterate(*s)
	if !ok {
		p.AddIssue(field, CH16, "holds characters outside the SEPA set that cannot be converted")
		return
	}
	if len(out) > maxLen { // out is ASCII: bytes are characters
		p.AddIssue(field, CH16, "longer than "+strconv.Itoa(maxLen)+" characters ("+strconv.Itoa(len(out))+")")
		return
	}
	if out != *s {
		p.AddWarning(field, CH16, "converted to the SEPA character set: "+strconv.Quote(*s)+" -> "+strconv.Quote(out))
		*s = out
	}
}

func (v *Validator) checkDate(p *Payment) {
	s := p.RequestedExecutionDate
	if s == "" && p.Info != nil {
		s = p.Info.RequestedExecutionDate
	}
	if s == "" {
		return
	}
	// Files mostly have one execution date: parse it once.
	if s != v.lastDate.text {
		v.lastDate.text = s
		v.lastDate.t, v.lastDate.ok = parseExecutionDate(s)
	}
	d, ok := v.lastDate.t, v.lastDate.ok
	if !ok {
		p.AddIssue(FieldExecutionDate, DT01, "requested execution date "+strconv.Quote(s)+" is not YYYY-MM-DD or an ISO date-time")
		return
	}
	if !v.today.IsZero() && d.Before(v.today) {
		p.AddWarning(FieldExecutionDate, DT01, "requested execution date "+d.Format(time.DateOnly)+" is in the past: paid as soon as possible")
	}
}

// dateTimeLayouts are the ISO 8601 forms pain.001 allows for ReqdExctnDt
// (a date, or from .08 on a DtTm with or without zone).
var dateTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"}

// parseExecutionDate returns the calendar date (UTC midnight) as written:
// a date-time's own date, not converted to another zone.
func parseExecutionDate(s string) (time.Time, bool) {
	if len(s) == len(time.DateOnly) {
		if t, ok := plainDate(s); ok {
			return t, true
		}
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			y, m, d := t.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// plainDate reads a well-formed YYYY-MM-DD, the form nearly every file
// has, at a fraction of time.Parse's cost. Anything else, a day past the
// month's end included, is left to time.Parse and its verdict.
func plainDate(s string) (time.Time, bool) {
	if s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > 28 && time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// digits reads a string of ASCII digits, -1 for anything else.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Finish returns the file-level issues once every payment has been seen:
// FF01 for a file without payments, AM18 (NbOfTxs) and AM10 (CtrlSum) at
// group and PmtInf level, and CH16 for a MsgId or PmtInfId the pain.002
// could not quote back. Any of them rejects the whole file.
func (v *Validator) Finish(h *Header, infos []*PaymentInfo) []Issue {
	var out []Issue
	add := func(field string, code ReasonCode, msg string) {
		out = append(out, Issue{Field: field, Code: code, Message: msg})
	}
	if v.stats.Payments == 0 {
		add("", FF01, "the file holds no payments")
	}
	if h != nil {
		if h.MsgID != "" {
			if msg := idProblem(h.MsgID); msg != "" {
				add("MsgId", CH16, "MsgId "+msg)
			}
		}
		if h.HasNbOfTxs && h.NbOfTxs != v.stats.Payments {
			add("NbOfTxs", AM18, fmt.Sprintf("group header declares %d transactions, the file holds %d", h.NbOfTxs, v.stats.Payments))
		}
		if h.HasCtrlSum {
			if msg := v.sumMismatch("group header", h.CtrlSum, v.stats.ControlSum, v.overflow); msg != "" {
				add("CtrlSum", AM10, msg)
			}
		}
	}
	for _, info := range infos {
		if info == nil {
			continue
		}
		b := v.blocks[info]
		if b == nil {
			b = &blockTotals{}
		}
		where := fmt.Sprintf("payment information block %d", info.Index)
		if info.ID != "" {
			where += " (" + info.ID + ")"
			if msg := idProblem(info.ID); msg != "" {
				add("PmtInfId", CH16, where+": PmtInfId "+msg)
			}
		}
		if info.HasNbOfTxs && info.NbOfTxs != b.count {
			add("NbOfTxs", AM18, fmt.Sprintf("%s declares %d transactions, holds %d", where, info.NbOfTxs, b.count))
		}
		if info.HasCtrlSum {
			if msg := v.sumMismatch(where, info.CtrlSum, b.sum, b.overflow); msg != "" {
				add("CtrlSum", AM10, msg)
			}
		}
	}
	return out
}

func (v *Validator) sumMismatch(where string, declared, found Decimal, overflow bool) string {
	if overflow {
		return where + " declares CtrlSum " + declared.Format(2) + ", the amounts add up to more than can be represented"
	}
	if declared.Equal(found) {
		return ""
	}
	msg := where + " declares CtrlSum " + declared.Format(2) + ", the amounts add up to " + found.Format(2)
	if v.unreadable > 0 {
		msg += " (" + strconv.Itoa(v.unreadable) + " amounts unreadable, counted as 0)"
	}
	return msg
}
