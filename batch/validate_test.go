package batch

import (
	"hash/maphash"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// goodPayment is a payment every rule accepts; tests change one thing.
func goodPayment(info *PaymentInfo) *Payment {
	return &Payment{
		Index:          1,
		Info:           info,
		EndToEndID:     "E2E-1",
		Amount:         Amount{Minor: 12345, Currency: "EUR"},
		CreditorName:   "Max Mustermann",
		CreditorIBAN:   "DE89370400440532013000",
		CreditorBIC:    "COBADEFFXXX",
		RemittanceInfo: "Invoice 42",
	}
}

func codes(is []Issue) string {
	var s []string
	for _, i := range is {
		s = append(s, string(i.Code)+":"+i.Field)
	}
	return strings.Join(s, " ")
}

func TestValidatorPayment(t *testing.T) {
	tests := []struct {
		name     string
		opts     ValidateOptions
		mod      func(p *Payment)
		issues   string // "CODE:field ..." in order
		warnings string
		check    func(t *testing.T, p *Payment)
	}{
		{name: "valid", mod: func(p *Payment) {}},
		{name: "bad IBAN", mod: func(p *Payment) { p.CreditorIBAN = "DE88370400440532013000" }, issues: "AC01:creditor_iban"},
		{name: "IBAN missing", mod: func(p *Payment) { p.CreditorIBAN = "" }, issues: "AC01:creditor_iban"},
		{name: "non-IBAN account", mod: func(p *Payment) { p.CreditorIBAN, p.Extras().CreditorAccount = "", "40817810099910004312" }, issues: "AC01:creditor_iban",
			check: func(t *testing.T, p *Payment) {
				if !strings.Contains(p.Issues[0].Message, "no IBAN") {
					t.Errorf("message %q", p.Issues[0].Message)
				}
			}},
		{name: "spaced IBAN strict", mod: func(p *Payment) { p.CreditorIBAN = "DE89 3704 0044 0532 0130 00" }, issues: "AC01:creditor_iban"},
		{name: "spaced IBAN lenient", opts: ValidateOptions{Lenient: true}, mod: func(p *Payment) {
			p.CreditorIBAN, p.CreditorBIC = "de89 3704 0044 0532 0130 00", "coba de ff"
		}, check: func(t *testing.T, p *Payment) {
			if p.CreditorIBAN != "DE89370400440532013000" || p.CreditorBIC != "COBADEFF" {
				t.Errorf("not normalised: %q %q", p.CreditorIBAN, p.CreditorBIC)
			}
		}},
		{name: "bad BIC", mod: func(p *Payment) { p.CreditorBIC = "COBAXXFF" }, issues: "RC01:creditor_bic"},
		{name: "BIC country mismatch", mod: func(p *Payment) { p.CreditorBIC = "BNPAFRPP" }, issues: "RC01:creditor_bic"},
		{name: "BIC territory", mod: func(p *Payment) { p.CreditorIBAN, p.CreditorBIC = "FR1420041010050500013M02606", "BNPAGPGP" }},
		{name: "no BIC is fine", mod: func(p *Payment) { p.CreditorBIC = "" }},
		{name: "name missing", mod: func(p *Payment) { p.CreditorName = "  " }, issues: "RR03:creditor_name"},
		{name: "name converted", mod: func(p *Payment) { p.CreditorName = "Jürgen Groß" }, warnings: "CH16:creditor_name",
			check: func(t *testing.T, p *Payment) {
				if p.CreditorName != "Juergen Gross" || !strings.Contains(p.Warnings[0].Message, "Juergen Gross") {
					t.Errorf("name %q, warning %q", p.CreditorName, p.Warnings[0].Message)
				}
			}},
		{name: "name unconvertible", mod: func(p *Payment) { p.CreditorName = "Max @ Home" }, issues: "CH16:creditor_name",
			check: func(t *testing.T, p *Payment) {
				if p.CreditorName != "Max @ Home" {
					t.Errorf("value changed to %q", p.CreditorName)
				}
			}},
		{name: "name 70 ok", mod: func(p *Payment) { p.CreditorName = strings.Repeat("a", 70) }},
		{name: "name 71", mod: func(p *Payment) { p.CreditorName = strings.Repeat("a", 71) }, issues: "CH16:creditor_name"},
		{name: "name too long only after conversion", mod: func(p *Payment) { p.CreditorName = strings.Repeat("ä", 36) }, issues: "CH16:creditor_name"},
		{name: "remittance 140 ok", mod: func(p *Payment) { p.RemittanceInfo = strings.Repeat("r", 140) }},
		{name: "remittance 141", mod: func(p *Payment) { p.RemittanceInfo = strings.Repeat("r", 141) }, issues: "CH16:remittance_info"},
		{name: "e2e 35 ok", mod: func(p *Payment) { p.EndToEndID = strings.Repeat("e", 35) }},
		{name: "e2e 36", mod: func(p *Payment) { p.EndToEndID = strings.Repeat("e", 36) }, issues: "CH16:end_to_end_id"},
		{name: "e2e leading slash", mod: func(p *Payment) { p.EndToEndID = "/abc" }, issues: "CH16:end_to_end_id"},
		{name: "e2e trailing slash", mod: func(p *Payment) { p.EndToEndID = "abc/" }, issues: "CH16:end_to_end_id"},
		{name: "e2e double slash", mod: func(p *Payment) { p.EndToEndID = "a//b" }, issues: "CH16:end_to_end_id"},
		{name: "e2e not converted", mod: func(p *Payment) { p.EndToEndID = "Zahlung-ä" }, issues: "CH16:end_to_end_id"},
		{name: "instr id too long", mod: func(p *Payment) { p.InstrID = strings.Repeat("i", 36) }, issues: "CH16:instruction_id"},
		{name: "e2e missing required", opts: ValidateOptions{RequireEndToEndID: true}, mod: func(p *Payment) { p.EndToEndID = "" }, issues: "FF08:end_to_end_id"},
		{name: "e2e missing not required", mod: func(p *Payment) { p.EndToEndID = "" }},
		{name: "amount zero", mod: func(p *Payment) { p.Amount.Minor = 0 }, issues: "AM01:amount"},
		{name: "amount negative", mod: func(p *Payment) { p.Amount.Minor = -1 }, issues: "AM01:amount"},
		{name: "amount at max", mod: func(p *Payment) { p.Amount.Minor = MaxAmountMinor }},
		{name: "amount above max", mod: func(p *Payment) { p.Amount.Minor = MaxAmountMinor + 1 }, issues: "AM02:amount"},
		{name: "JPY above max", mod: func(p *Payment) { p.Amount = Amount{Minor: 1_000_000_000, Currency: "JPY"} }, issues: "AM02:amount"},
		{name: "KWD at max", mod: func(p *Payment) { p.Amount = Amount{Minor: 999_999_999_990, Currency: "KWD"} }},
		{name: "currency unknown", mod: func(p *Payment) { p.Amount.Currency = "CHR" }, issues: "AM03:currency"},
		{name: "parser AM02 not doubled", mod: func(p *Payment) {
			p.Amount = Amount{}
			p.AddIssue(FieldAmount, AM02, "unreadable")
		}, issues: "AM02:amount"},
		{name: "date ok", mod: func(p *Payment) { p.RequestedExecutionDate = "2030-01-31" }},
		{name: "date-time ok", mod: func(p *Payment) { p.RequestedExecutionDate = "2030-01-31T10:00:00+01:00" }},
		{name: "date malformed", mod: func(p *Payment) { p.RequestedExecutionDate = "31.01.2030" }, issues: "DT01:requested_execution_date"},
		{name: "date placeholder", mod: func(p *Payment) { p.RequestedExecutionDate = "YYYY-MM-DD" }, issues: "DT01:requested_execution_date"},
		{name: "date impossible", mod: func(p *Payment) { p.RequestedExecutionDate = "2030-02-30" }, issues: "DT01:requested_execution_date"},
		{name: "date past noted", opts: ValidateOptions{Today: time.Date(2030, 2, 1, 15, 0, 0, 0, time.UTC)},
			mod: func(p *Payment) { p.RequestedExecutionDate = "2030-01-31" }, warnings: "DT01:requested_execution_date"},
		{name: "date today not past", opts: ValidateOptions{Today: time.Date(2030, 1, 31, 23, 0, 0, 0, time.UTC)},
			mod: func(p *Payment) { p.RequestedExecutionDate = "2030-01-31" }},
		{name: "block date used", opts: ValidateOptions{Today: time.Date(2030, 2, 1, 0, 0, 0, 0, time.UTC)},
			mod: func(p *Payment) { p.Info.RequestedExecutionDate = "2029-12-31" }, warnings: "DT01:requested_execution_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := goodPayment(&PaymentInfo{Index: 1})
			tt.mod(p)
			v := NewValidator(tt.opts)
			v.Payment(p)
			if got := codes(p.Issues); got != tt.issues {
				t.Errorf("issues = %q, want %q (%v)", got, tt.issues, p.Issues)
			}
			if got := codes(p.Warnings); got != tt.warnings {
				t.Errorf("warnings = %q, want %q (%v)", got, tt.warnings, p.Warnings)
			}
			if want := 0; len(p.Issues) > 0 {
				want = 1
				if v.Stats().Invalid != want {
					t.Errorf("Invalid = %d", v.Stats().Invalid)
				}
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestValidatorDuplicates(t *testing.T) {
	v := NewValidator(ValidateOptions{})
	ids := []string{"A", "B", "A", NotProvided, NotProvided, "a", "A", ""}
	want := []string{"", "", "AM05", "", "", "", "AM05", ""}
	for i, id := range ids {
		p := goodPayment(nil)
		p.Index, p.EndToEndID = i+1, id
		v.Payment(p)
		if got := codes(p.Issues); got != want[i] && got != want[i]+":end_to_end_id" {
			t.Errorf("payment %d (%q): issues %q, want %q", i+1, id, got, want[i])
		}
	}
	if s := v.Stats(); s.Payments != 8 || s.Invalid != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestValidatorFinish(t *testing.T) {
	dec := func(s string) Decimal {
		d, err := ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	run := func(h *Header, amounts map[*PaymentInfo][]int64) (*Validator, []*PaymentInfo) {
		v := NewValidator(ValidateOptions{})
		var infos []*PaymentInfo
		for info, as := range amounts {
			infos = append(infos, info)
			for _, a := range as {
				p := goodPayment(info)
				p.EndToEndID = ""
				p.Amount.Minor = a
				v.Payment(p)
			}
		}
		return v, infos
	}
	t.Run("all match", func(t *testing.T) {
		b1 := &PaymentInfo{Index: 1, ID: "P1", NbOfTxs: 2, HasNbOfTxs: true, CtrlSum: dec("0.30"), HasCtrlSum: true}
		h := &Header{MsgID: "M1", NbOfTxs: 2, HasNbOfTxs: true, CtrlSum: dec("0.3"), HasCtrlSum: true}
		v, infos := run(h, map[*PaymentInfo][]int64{b1: {10, 20}})
		if is := v.Finish(h, infos); len(is) != 0 {
			t.Fatalf("issues %v", is)
		}
		if s := v.Stats(); s.ControlSum.Format(2) != "0.30" || s.Payments != 2 {
			t.Fatalf("stats %+v", s)
		}
	})
	t.Run("mismatches", func(t *testing.T) {
		b1 := &PaymentInfo{Index: 1, ID: "P1", NbOfTxs: 3, HasNbOfTxs: true, CtrlSum: dec("0.30"), HasCtrlSum: true}
		b2 := &PaymentInfo{Index: 2, ID: "P2", NbOfTxs: 1, HasNbOfTxs: true, CtrlSum: dec("1.01"), HasCtrlSum: true}
		h := &Header{MsgID: "M1", NbOfTxs: 2, HasNbOfTxs: true, CtrlSum: dec("1.31"), HasCtrlSum: true}
		v := NewValidator(ValidateOptions{})
		for _, x := range []struct {
			info *PaymentInfo
			a    int64
		}{{b1, 10}, {b1, 20}, {b2, 100}} {
			p := goodPayment(x.info)
			p.EndToEndID = ""
			p.Amount.Minor = x.a
			// An invalid payment still counts and sums.
			p.CreditorName = ""
			v.Payment(p)
		}
		is := v.Finish(h, []*PaymentInfo{b1, b2})
		if got, want := codes(is), "AM18:NbOfTxs AM10:CtrlSum AM18:NbOfTxs AM10:CtrlSum"; got != want {
			t.Fatalf("issues %q, want %q: %v", got, want, is)
		}
		for i, want := range []string{
			"group header declares 2 transactions, the file holds 3",
			"group header declares CtrlSum 1.31, the amounts add up to 1.30",
			"block 1 (P1) declares 3 transactions, holds 2",
		} {
			if !strings.Contains(is[i].Message, want) {
				t.Errorf("message %q lacks %q", is[i].Message, want)
			}
		}
		if !strings.Contains(is[3].Message, "(P2) declares CtrlSum 1.01, the amounts add up to 1.00") {
			t.Errorf("message %q", is[3].Message)
		}
		if is[0].Index != 0 {
			t.Errorf("file-level issue has Index %d", is[0].Index)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		v := NewValidator(ValidateOptions{})
		if got := codes(v.Finish(&Header{}, nil)); got != "FF01:" {
			t.Fatalf("issues %q", got)
		}
	})
	t.Run("long ids", func(t *testing.T) {
		v := NewValidator(ValidateOptions{})
		v.Payment(goodPayment(nil))
		info := &PaymentInfo{Index: 1, ID: strings.Repeat("p", 36)}
		if got := codes(v.Finish(&Header{MsgID: "/M"}, []*PaymentInfo{info})); got != "CH16:MsgId CH16:PmtInfId" {
			t.Fatalf("issues %q", got)
		}
	})
}

func BenchmarkValidatorPayment(b *testing.B) {
	v := NewValidator(ValidateOptions{Lenient: true})
	info := &PaymentInfo{Index: 1}
	ids := make([]string, 1<<16)
	for i := range ids {
		ids[i] = "E2E-" + strconv.Itoa(i)
	}
	p := goodPayment(info)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		*p = Payment{Index: i + 1, Info: info, EndToEndID: ids[i%len(ids)], Amount: Amount{Minor: 12345, Currency: "EUR"},
			CreditorName: "Max Mustermann", CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX", RemittanceInfo: "Invoice 42"}
		if i >= len(ids) {
			p.EndToEndID = "" // keep duplicates out of the steady state
			p.RequestedExecutionDate = "2030-01-31"
		}
		v.Payment(p)
	}
}

// An id whose first hash collides with an earlier id's must not be taken
// for a duplicate of it, and must itself be found again.
func TestSeenBeforeFirstHashClash(t *testing.T) {
	v := NewValidator(ValidateOptions{})
	h1 := maphash.String(v.seed1, "B")
	v.seen.add(h1, maphash.String(v.seed2, "B")+1) // "A" stored under B's first hash
	if v.seenBefore("B") {
		t.Fatal("B reported as seen after a first-hash clash")
	}
	if !v.seenBefore("B") {
		t.Fatal("B not found the second time")
	}
	if v.seenBefore("C") || !v.seenBefore("C") {
		t.Fatal("C")
	}
}

// An issue keeps its own copy of the EndToEndID: the payment's may be cut
// from a buffer of many rows that the issue must not keep alive.
func TestIssueCopiesEndToEndID(t *testing.T) {
	row := "E2E-1;more of the row that the issue must not hold on to"
	p := &Payment{Index: 1, EndToEndID: row[:5]}
	p.AddIssue(FieldAmount, AM02, "amount missing")
	p.AddWarning(FieldCreditorName, CH16, "converted")
	for _, is := range append(p.Issues, p.Warnings...) {
		if is.EndToEndID != "E2E-1" || unsafe.StringData(is.EndToEndID) == unsafe.StringData(row) {
			t.Fatalf("issue EndToEndID %q shares the row's memory", is.EndToEndID)
		}
	}
}

// The rarer fields read as empty without an Extra, CategoryPurpose and
// UltimateDebtorID fall back to the block's, and NewExtra keeps payments
// without any of them at the small size the parsers rely on.
func TestPaymentExtra(t *testing.T) {
	info := &PaymentInfo{CategoryPurpose: "SALA", UltimateDebtorID: "u-1"}
	p := &Payment{Info: info, Extra: NewExtra(PaymentExtra{})}
	if p.Extra != nil || p.Provider() != "" || p.Purpose() != "" || p.DebtorIBAN() != "" {
		t.Fatalf("empty extra: %+v", p.Extra)
	}
	if p.CategoryPurpose() != "SALA" || p.UltimateDebtorID() != "u-1" {
		t.Fatalf("block fallback: %q %q", p.CategoryPurpose(), p.UltimateDebtorID())
	}
	p.Extras().CategoryPurpose = "BONU"
	p.Extras().DebtorAccount = "ops"
	if p.CategoryPurpose() != "BONU" || p.UltimateDebtorID() != "u-1" || p.DebtorIBAN() != "ops" {
		t.Fatalf("own values: %+v", p.Extra)
	}
	if (&Payment{}).CategoryPurpose() != "" || noExtra != (PaymentExtra{}) {
		t.Fatal("no block, no extra")
	}
	// NewExtra keeps an Extra with any one field set.
	for i := range reflect.TypeFor[PaymentExtra]().NumField() {
		var e PaymentExtra
		reflect.ValueOf(&e).Elem().Field(i).SetString("x")
		if NewExtra(e) == nil {
			t.Errorf("NewExtra drops %s", reflect.TypeFor[PaymentExtra]().Field(i).Name)
		}
	}
	// 256 bytes is a size class; one more field would take the next.
	if n := unsafe.Sizeof(Payment{}); n > 256 {
		t.Fatalf("Payment is %d bytes: keep rare fields in PaymentExtra", n)
	}
}
