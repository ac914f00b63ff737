package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/paybatch/paybatch/batch"
)

// AddPayments stores payments of a batch in one transaction, with their
// route and dispatch fields when the pipeline routed them first (one write
// per payment), or bare (&batch.Dispatch{Payment: p}) to be routed later
// with Route. It sets each PaymentID and BatchID.
//
// Call it in chunks (1000 is a good size) while parsing; the batch stays in
// StageReceived until the caller moves it on, and Due never hands out
// payments of a batch before StageDispatching, so a file rejected as a whole
// after its last payment was read is never partly paid.
//
// Adding is idempotent per (batch, index): a payment already stored is kept
// as it is and only its PaymentID is filled in, so after a crash the
// pipeline can simply add the whole file again.
//
// A non-terminal state with a zero NextAt is stored as due now.
func (s *Store) AddPayments(ctx context.Context, batchID string, ds []*batch.Dispatch) error {
	if len(ds) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		return s.addPayments(ctx, tx, batchID, ds)
	})
	if err != nil {
		return fmt.Errorf("add %d payments to batch %s: %w", len(ds), batchID, err)
	}
	return nil
}

func (s *Store) addPayments(ctx context.Context, tx *sqlx.Tx, batchID string, ds []*batch.Dispatch) error {
	now := s.nowUTC()
	ins, err := tx.PreparexContext(ctx, s.rebind(`INSERT INTO payments (`+paymentColumns+`)
		VALUES (`+placeholders(strings.Count(paymentColumns, ",")+1)+`)
		ON CONFLICT (batch_id, idx) DO NOTHING RETURNING id`))
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer ins.Close()
	var added int
	for _, d := range ds {
		if d.Payment == nil {
			return errors.New("dispatch record without a payment")
		}
		d.BatchID = batchID
		if d.State != "" && !d.State.Terminal() && d.NextAt.IsZero() {
			d.NextAt = now
		}
		args, err := paymentArgs(batchID, d, dbTime{now})
		if err != nil {
			return fmt.Errorf("payment %d: %w", d.Payment.Index, err)
		}
		err = ins.QueryRowxContext(ctx, args...).Scan(&d.PaymentID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Stored by an earlier run: keep that row, report its id.
			if err := tx.GetContext(ctx, &d.PaymentID, s.rebind(`SELECT id FROM payments WHERE batch_id = ? AND idx = ?`),
				batchID, d.Payment.Index); err != nil {
				return fmt.Errorf("payment %d: %w", d.Payment.Index, err)
			}
		case err != nil:
			return fmt.Errorf("payment %d: %w", d.Payment.Index, err)
		default:
			added++
		}
	}
	// One event per chunk, not per payment: adding is not a state change,
	// and doubling the writes of a 100k-line file buys no audit value.
	return s.appendEvent(ctx, tx, Event{BatchID: batchID, Kind: KindPaymentsAdded,
		Detail: fmt.Sprintf("added=%d first=%d last=%d", added, ds[0].Payment.Index, ds[len(ds)-1].Payment.Index)})
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Route gives a stored, not yet routed payment (state "") its provider,
// account, user, idempotency key and first state (normally batch.Queued, or
// batch.Done with RJCT when the router rejected it), writing an event. It
// returns batch.ErrConflict when the payment was routed already.
func (s *Store) Route(ctx context.Context, d *batch.Dispatch, why string) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if !d.State.Terminal() && d.NextAt.IsZero() {
			d.NextAt = s.nowUTC()
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE payments SET provider = ?, account = ?, user_id = ?,
			idempotency_key = ?, state = ?, next_at = ?, status = ?, reason = ?, provider_code = ?, text = ?,
			updated_at = ? WHERE id = ? AND state = ''`),
			d.Provider, d.Account, d.User, nullString(d.Key), string(d.State), dbTime{d.NextAt},
			string(d.Status), string(d.Reason), d.ProviderCode, d.Text, dbTime{s.nowUTC()}, d.PaymentID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return batch.ErrConflict
		}
		return s.appendEvent(ctx, tx, Event{BatchID: d.BatchID, PaymentID: d.PaymentID, Kind: KindPaymentRouted,
			To: string(d.State), Why: why, Detail: dispatchDetail(d)})
	})
	if err != nil {
		return fmt.Errorf("route payment %d: %w", d.PaymentID, err)
	}
	return nil
}

// RejectPayments marks every payment of a batch that is not final yet as
// final RJCT with the file-level reason (a whole file rejected: AM18, AM10,
// FF01). Payments rejected for their own reason keep it. The batch must not
// have reached the dispatching stage: none of its payments was ever sent.
func (s *Store) RejectPayments(ctx context.Context, batchID string, code batch.ReasonCode, text string) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var stage string
		if err := tx.GetContext(ctx, &stage, s.rebind(`SELECT stage FROM batches WHERE id = ?`), batchID); err != nil {
			return err
		}
		if Stage(stage) == StageDispatching || Stage(stage).Done() {
			return fmt.Errorf("batch is %s: its payments may have been sent", stage)
		}
		res, err := tx.ExecContext(ctx, s.rebind(`UPDATE payments SET state = ?, status = ?, reason = ?, text = ?,
			updated_at = ? WHERE batch_id = ? AND state <> ?`),
			string(batch.Done), string(batch.RJCT), string(code), text, dbTime{s.nowUTC()}, batchID, string(batch.Done))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		return s.appendEvent(ctx, tx, Event{BatchID: batchID, Kind: KindPaymentState, To: string(batch.Done),
			Why: "file rejected", Detail: fmt.Sprintf("%d payments RJCT %s: %s", n, code, text)})
	})
	if err != nil {
		return fmt.Errorf("reject payments of batch %s: %w", batchID, err)
	}
	return nil
}

// Payments calls fn for each payment of the batch in file order, streaming:
// memory does not grow with the batch. An error from fn stops the
// iteration and is returned as is.
func (s *Store) Payments(ctx context.Context, batchID string, fn func(*batch.Dispatch) error) error {
	infos, err := s.loadInfos(ctx, s.db, batchID)
	if err != nil {
		return fmt.Errorf("payments of batch %s: %w", batchID, err)
	}
	rows, err := s.db.QueryxContext(ctx, s.rebind(`SELECT id, `+paymentColumns+` FROM payments
		WHERE batch_id = ? ORDER BY idx`), batchID)
	if err != nil {
		return fmt.Errorf("payments of batch %s: %w", batchID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r paymentRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("payments of batch %s: %w", batchID, err)
		}
		d, err := r.dispatch(infos)
		if err != nil {
			return fmt.Errorf("payments of batch %s: %w", batchID, err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("payments of batch %s: %w", batchID, err)
	}
	return nil
}

// PaymentInfos returns the batch's PmtInf blocks in file order.
func (s *Store) PaymentInfos(ctx context.Context, batchID string) ([]*batch.PaymentInfo, error) {
	var out []*batch.PaymentInfo
	err := s.scanInfos(ctx, s.db, batchID, func(in *batch.PaymentInfo) { out = append(out, in) })
	if err != nil {
		return nil, fmt.Errorf("payment infos of batch %s: %w", batchID, err)
	}
	return out, nil
}

// CountByState counts a batch's payments per dispatch state ("" is not
// routed yet).
func (s *Store) CountByState(ctx context.Context, batchID string) (map[batch.DispatchState]int, error) {
	out := map[batch.DispatchState]int{}
	err := s.countBy(ctx, "state", batchID, func(k string, n int) { out[batch.DispatchState(k)] = n })
	if err != nil {
		return nil, fmt.Errorf("count by state of batch %s: %w", batchID, err)
	}
	return out, nil
}

// CountByStatus counts a batch's payments per pain.002 status.
func (s *Store) CountByStatus(ctx context.Context, batchID string) (map[batch.Status]int, error) {
	out := map[batch.Status]int{}
	err := s.countBy(ctx, "status", batchID, func(k string, n int) { out[batch.Status(k)] = n })
	if err != nil {
		return nil, fmt.Errorf("count by status of batch %s: %w", batchID, err)
	}
	return out, nil
}

// countBy groups by column, which is one of two constants above, never
// user input.
func (s *Store) countBy(ctx context.Context, column, batchID string, add func(string, int)) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+column+`, COUNT(*) FROM payments
		WHERE batch_id = ? GROUP BY `+column), batchID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		add(k, n)
	}
	return rows.Err()
}

func (s *Store) loadInfos(ctx context.Context, q queryer, batchID string) (map[int]*batch.PaymentInfo, error) {
	m := map[int]*batch.PaymentInfo{}
	err := s.scanInfos(ctx, q, batchID, func(in *batch.PaymentInfo) { m[in.Index] = in })
	return m, err
}

func (s *Store) scanInfos(ctx context.Context, q queryer, batchID string, fn func(*batch.PaymentInfo)) error {
	rows, err := q.QueryxContext(ctx, s.rebind(`SELECT idx, pmt_inf_id, method, nb_of_txs, ctrl_sum,
		requested_execution_date, category_purpose, service_level, batch_booking, debtor_name,
		debtor_iban, debtor_bic, ultimate_debtor_id FROM payment_infos WHERE batch_id = ? ORDER BY idx`), batchID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			in  batch.PaymentInfo
			nb  sql.NullInt64
			sum dbDecimal
		)
		if err := rows.Scan(&in.Index, &in.ID, &in.Method, &nb, &sum, &in.RequestedExecutionDate,
			&in.CategoryPurpose, &in.ServiceLevel, &in.BatchBooking, &in.DebtorName, &in.DebtorIBAN,
			&in.DebtorBIC, &in.UltimateDebtorID); err != nil {
			return err
		}
		in.NbOfTxs, in.HasNbOfTxs = int(nb.Int64), nb.Valid
		in.CtrlSum, in.HasCtrlSum = sum.Decimal, sum.Valid
		fn(&in)
	}
	return rows.Err()
}

func dispatchDetail(d *batch.Dispatch) string {
	var b strings.Builder
	add := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s=%s ", k, v)
		}
	}
	add("provider", d.Provider)
	add("account", d.Account)
	add("user", d.User)
	add("key", d.Key)
	if d.Attempts > 0 {
		add("attempts", fmt.Sprint(d.Attempts))
	}
	add("ref", d.Ref)
	add("status", string(d.Status))
	add("reason", string(d.Reason))
	add("provider_code", d.ProviderCode)
	add("text", d.Text)
	return strings.TrimSpace(b.String())
}
