package store

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// paymentColumns are the payments table's columns in paymentRow order,
// except id, which is assigned on insert.
const paymentColumns = `batch_id, idx, row_num, info_idx, instr_id, end_to_end_id, amount_minor,
	currency, amount_text, creditor_name, creditor_iban, creditor_bic, creditor_country,
	creditor_account, remittance_info, creditor_ref, purpose, category_purpose, charge_bearer,
	ultimate_debtor_id, requested_execution_date, debtor_account, provider_column,
	external_user_id, issues, warnings, provider, account, user_id, idempotency_key, state,
	attempts, next_at, sent_at, provider_ref, status, reason, provider_code, text, updated_at`

// paymentRow is one row of payments as sqlx scans it.
type paymentRow struct {
	ID                     int64          `db:"id"`
	BatchID                string         `db:"batch_id"`
	Idx                    int            `db:"idx"`
	RowNum                 int            `db:"row_num"`
	InfoIdx                sql.NullInt64  `db:"info_idx"`
	InstrID                string         `db:"instr_id"`
	EndToEndID             string         `db:"end_to_end_id"`
	AmountMinor            int64          `db:"amount_minor"`
	Currency               string         `db:"currency"`
	AmountText             string         `db:"amount_text"`
	CreditorName           string         `db:"creditor_name"`
	CreditorIBAN           string         `db:"creditor_iban"`
	CreditorBIC            string         `db:"creditor_bic"`
	CreditorCountry        string         `db:"creditor_country"`
	CreditorAccount        string         `db:"creditor_account"`
	RemittanceInfo         string         `db:"remittance_info"`
	CreditorRef            string         `db:"creditor_ref"`
	Purpose                string         `db:"purpose"`
	CategoryPurpose        string         `db:"category_purpose"`
	ChargeBearer           string         `db:"charge_bearer"`
	UltimateDebtorID       string         `db:"ultimate_debtor_id"`
	RequestedExecutionDate string         `db:"requested_execution_date"`
	DebtorAccount          string         `db:"debtor_account"`
	ProviderColumn         string         `db:"provider_column"`
	ExternalUserID         string         `db:"external_user_id"`
	Issues                 string         `db:"issues"`
	Warnings               string         `db:"warnings"`
	Provider               string         `db:"provider"`
	Account                string         `db:"account"`
	UserID                 string         `db:"user_id"`
	Key                    sql.NullString `db:"idempotency_key"`
	State                  string         `db:"state"`
	Attempts               int            `db:"attempts"`
	NextAt                 dbTime         `db:"next_at"`
	SentAt                 dbTime         `db:"sent_at"`
	ProviderRef            string         `db:"provider_ref"`
	Status                 string         `db:"status"`
	Reason                 string         `db:"reason"`
	ProviderCode           string         `db:"provider_code"`
	Text                   string         `db:"text"`
	UpdatedAt              dbTime         `db:"updated_at"`
}

// paymentArgs returns the values of paymentColumns for d.
func paymentArgs(batchID string, d *batch.Dispatch, now dbTime) ([]any, error) {
	p := d.Payment
	issues, err := encodeIssues(p.Issues)
	if err != nil {
		return nil, err
	}
	warnings, err := encodeIssues(p.Warnings)
	if err != nil {
		return nil, err
	}
	var info any
	if p.Info != nil {
		info = p.Info.Index
	}
	return []any{batchID, p.Index, p.Row, info, p.InstrID, p.EndToEndID, p.Amount.Minor,
		p.Amount.Currency, p.AmountText, p.CreditorName, p.CreditorIBAN, p.CreditorBIC, p.CreditorCountry,
		p.CreditorAccount(), p.RemittanceInfo, p.CreditorRef(), p.Purpose(), p.CategoryPurpose(), p.ChargeBearer(),
		p.UltimateDebtorID(), p.RequestedExecutionDate, p.DebtorAccount(), p.Provider(),
		p.ExternalUserID(), issues, warnings, d.Provider, d.Account, d.User, nullString(d.Key), string(d.State),
		d.Attempts, dbTime{d.NextAt}, dbTime{d.SentAt}, d.Ref, string(d.Status), string(d.Reason), d.ProviderCode, d.Text, now}, nil
}

// dispatch rebuilds the record; infos holds the batch's PmtInf blocks so
// that payments of one block share one *PaymentInfo, as after parsing.
func (r *paymentRow) dispatch(infos map[int]*batch.PaymentInfo) (*batch.Dispatch, error) {
	issues, err := decodeIssues(r.Issues)
	if err != nil {
		return nil, fmt.Errorf("payment %d: %w", r.ID, err)
	}
	warnings, err := decodeIssues(r.Warnings)
	if err != nil {
		return nil, fmt.Errorf("payment %d: %w", r.ID, err)
	}
	p := &batch.Payment{
		Index: r.Idx, Row: r.RowNum,
		InstrID: r.InstrID, EndToEndID: r.EndToEndID,
		Amount:       batch.Amount{Minor: r.AmountMinor, Currency: r.Currency},
		AmountText:   r.AmountText,
		CreditorName: r.CreditorName, CreditorIBAN: r.CreditorIBAN, CreditorBIC: r.CreditorBIC,
		CreditorCountry: r.CreditorCountry, RemittanceInfo: r.RemittanceInfo,
		RequestedExecutionDate: r.RequestedExecutionDate,
		Issues:                 issues, Warnings: warnings,
	}
	// The row holds the effective category purpose and ultimate debtor;
	// what the block already says need not be the payment's own.
	ctgy, ultmt := r.CategoryPurpose, r.UltimateDebtorID
	if r.InfoIdx.Valid {
		p.Info = infos[int(r.InfoIdx.Int64)]
		if p.Info == nil {
			return nil, fmt.Errorf("payment %d: payment info %d missing", r.ID, r.InfoIdx.Int64)
		}
		if ctgy == p.Info.CategoryPurpose {
			ctgy = ""
		}
		if ultmt == p.Info.UltimateDebtorID {
			ultmt = ""
		}
	}
	p.Extra = batch.NewExtra(batch.PaymentExtra{
		CreditorAccount: r.CreditorAccount, CreditorRef: r.CreditorRef, Purpose: r.Purpose,
		CategoryPurpose: ctgy, UltimateDebtorID: ultmt, ChargeBearer: r.ChargeBearer,
		DebtorAccount: r.DebtorAccount, Provider: r.ProviderColumn, ExternalUserID: r.ExternalUserID,
	})
	return &batch.Dispatch{
		PaymentID: r.ID, BatchID: r.BatchID,
		Provider: r.Provider, Account: r.Account, User: r.UserID, Key: r.Key.String,
		State: batch.DispatchState(r.State), Attempts: r.Attempts,
		NextAt: r.NextAt.Time, SentAt: r.SentAt.Time, Ref: r.ProviderRef,
		Status: batch.Status(r.Status), Reason: batch.ReasonCode(r.Reason),
		ProviderCode: r.ProviderCode, Text: r.Text,
		Payment: p,
	}, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
