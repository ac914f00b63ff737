package tabular

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
)

// DefaultCurrency applies when a file has no currency column, no
// "Amount (XXX)" header and no code in the amount, and Options say nothing.
const DefaultCurrency = "EUR"

// Payment builds the payment of one data row. index is its 1-based position
// among the payments, row its 1-based line or sheet row. defaultCcy may be
// empty. Problems with the row are recorded as issues on the payment.
func (m *Mapping) Payment(cells []string, index, row int, info *batch.PaymentInfo, defaultCcy string) *batch.Payment {
	get := func(f Field) string {
		if i := m.cols[f]; i >= 0 && i < len(cells) {
			return trimSpace(cells[i])
		}
		return ""
	}
	// One composite literal of values read beforehand: the compiler then
	// stores them into the new object without GC write barriers.
	bic := toUpper(get(CreditorBIC))
	provider := strings.ToLower(get(Provider)) // an identifier the router compares
	date := m.normalizeDate(get(RequestedExecutionDate))
	p := &batch.Payment{
		Index:                  index,
		Row:                    row,
		Info:                   info,
		EndToEndID:             get(EndToEndID),
		InstrID:                get(InstructionID),
		CreditorName:           get(CreditorName),
		CreditorIBAN:           get(CreditorIBAN),
		CreditorBIC:            bic,
		RemittanceInfo:         get(RemittanceInfo),
		RequestedExecutionDate: date,
		Extra: batch.NewExtra(batch.PaymentExtra{
			Purpose:        get(Purpose),
			DebtorAccount:  get(DebtorAccount),
			Provider:       provider,
			ExternalUserID: get(ExternalUserID),
		}),
	}
	m.checkWidth(p, cells)
	m.amount(p, get(Amount), toUpper(get(Currency)), defaultCcy)
	return p
}

// trimSpace is strings.TrimSpace with a quick way out for the common cell,
// which starts and ends with a printable ASCII character.
func trimSpace(s string) string {
	if s == "" || isPrintASCII(s[0]) && isPrintASCII(s[len(s)-1]) {
		return s
	}
	return strings.TrimSpace(s)
}

func isPrintASCII(c byte) bool { return c > ' ' && c < utf8.RuneSelf }

// toUpper is strings.ToUpper with a quick way out for text that has no
// lower-case or non-ASCII letter, such as nearly every BIC and currency.
func toUpper(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= utf8.RuneSelf {
			return strings.ToUpper(s)
		}
	}
	return s
}

func (m *Mapping) normalizeDate(s string) string {
	if s == m.lastDate {
		return m.lastDateNorm
	}
	n := NormalizeDate(s)
	m.lastDate, m.lastDateNorm = s, n
	return n
}

// checkWidth flags rows whose cells do not line up with the header: a
// missing or extra delimiter shifts every value after it, so the row must
// not be paid as read. Trailing empty cells (spreadsheet exports pad rows)
// are fine.
func (m *Mapping) checkWidth(p *batch.Payment, cells []string) {
	n := len(cells)
	for n > m.width && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	if n > m.width {
		p.AddIssue("row", batch.CH16, fmt.Sprintf("row has %d cells but the header only %d: values may be shifted", n, m.width))
		return
	}
	if len(cells) < m.width {
		last := -1
		for _, c := range m.cols {
			last = max(last, c)
		}
		if last >= len(cells) {
			p.AddIssue("row", batch.CH16, fmt.Sprintf("row has %d cells but the header %d: values may be missing or shifted", len(cells), m.width))
		}
	}
}

// amount sets p.Amount from the amount and currency cells.
func (m *Mapping) amount(p *batch.Payment, text, ccy, defaultCcy string) {
	p.AmountText = text
	field := Amount.Name()
	if text == "" {
		p.AddIssue(field, batch.AM02, "amount missing")
		return
	}
	if ccy != "" && !isCurrency(ccy) {
		p.Amount.Currency = ccy
		p.AddIssue(Currency.Name(), batch.AM03, fmt.Sprintf("unknown currency %q", ccy))
		return
	}
	eff := ccy
	if eff == "" {
		_, textCcy := stripCurrency(text)
		eff = firstNonEmpty(textCcy, m.hintCcy, defaultCcy, DefaultCurrency)
	}
	a, textCcy, err := ParseAmount(text, eff)
	if err != nil {
		code, f := batch.AM02, field
		if errors.Is(err, batch.ErrCurrency) {
			code, f = batch.AM03, Currency.Name()
		}
		p.AddIssue(f, code, err.Error())
		return
	}
	if textCcy != "" && textCcy != eff {
		p.AddIssue(Currency.Name(), batch.AM03, fmt.Sprintf("amount %q is in %s but the currency is %s", text, textCcy, eff))
		return
	}
	p.Amount = a
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
