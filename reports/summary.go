package reports

import (
	"strconv"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// SummaryColumns are the columns every summary adds to the user's rows.
var SummaryColumns = []string{"status", "reason", "reason_text", "provider", "provider_reference", "batch_id"}

// summaryHeader returns the added column names, each suffixed with
// "_paybatch" if the user's header already has a column of that name, so
// that no user column is shadowed.
func summaryHeader(userHeader []string) []string {
	have := make(map[string]bool, len(userHeader))
	for _, h := range userHeader {
		have[strings.ToLower(strings.TrimSpace(h))] = true
	}
	out := make([]string, len(SummaryColumns))
	for i, c := range SummaryColumns {
		if have[c] {
			c += "_paybatch"
		}
		out[i] = c
	}
	return out
}

// summaryValues are the added cells of one payment, in SummaryColumns order.
func summaryValues(r PaymentResult, batchID string) []string {
	text := r.Reason.Text()
	if r.AddtlInf != "" {
		if text != "" {
			text += ": "
		}
		text += r.AddtlInf
	}
	return []string{string(r.Status), string(r.Reason), text, r.Provider, r.ProviderRef, batchID}
}

// PaymentColumns are the user-data columns of a summary of a pain.001
// input, which has no rows of its own: one row per payment.
var PaymentColumns = []string{"index", "end_to_end_id", "instr_id", "amount", "currency",
	"creditor_name", "creditor_iban", "creditor_bic", "remittance_info"}

func paymentValues(p *batch.Payment) []string {
	if p == nil {
		return make([]string, len(PaymentColumns))
	}
	amount := p.AmountText
	if p.Amount.Currency != "" && p.Valid() {
		amount = p.Amount.String()
	}
	return []string{strconv.Itoa(p.Index), p.EndToEndID, p.InstrID, amount, p.Amount.Currency,
		p.CreditorName, p.CreditorIBAN, p.CreditorBIC, p.RemittanceInfo}
}
