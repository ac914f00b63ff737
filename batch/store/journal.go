package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/paybatch/paybatch/batch"
)

// The Store is dispatch.Journal (asserted in journal_test.go: this package
// may import only batch).

// openStates is the SQL list of the non-terminal states, as written in the
// partial index payments_due_open.
const openStates = "('" + string(batch.Queued) + "', '" + string(batch.Sending) + "', '" +
	string(batch.Unknown) + "', '" + string(batch.Submitted) + "')"

// Due returns up to limit records of provider in a non-terminal state whose
// NextAt <= now, oldest NextAt first. Only batches in StageDispatching are
// considered: a batch still being stored or validated is never dispatched.
// limit <= 0 means 100.
func (s *Store) Due(ctx context.Context, provider string, now time.Time, limit int) ([]*batch.Dispatch, error) {
	if limit <= 0 {
		limit = 100
	}
	// The open states are literals, not parameters, so that the planner
	// can prove the partial index payments_due_open applies (migration
	// 0002): it is already in next_at order, and no sort is needed.
	ds, err := s.queryDispatch(ctx, s.db, `JOIN batches b ON b.id = p.batch_id
		WHERE p.provider = ? AND p.state IN `+openStates+` AND p.next_at <= ? AND b.stage = ?
		ORDER BY p.next_at, p.id LIMIT ?`,
		provider, fmtTime(now), StageDispatching, limit)
	if err != nil {
		return nil, fmt.Errorf("due for %s: %w", provider, err)
	}
	return ds, nil
}

// Get reloads one record.
func (s *Store) Get(ctx context.Context, paymentID int64) (*batch.Dispatch, error) {
	ds, err := s.queryDispatch(ctx, s.db, `WHERE p.id = ?`, paymentID)
	return oneDispatch(ds, err, fmt.Sprintf("get payment %d", paymentID))
}

// FindByRef finds a record by provider and provider reference (webhooks).
func (s *Store) FindByRef(ctx context.Context, provider, ref string) (*batch.Dispatch, error) {
	what := fmt.Sprintf("find payment by %s ref %q", provider, ref)
	if ref == "" {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	ds, err := s.queryDispatch(ctx, s.db, `WHERE p.provider = ? AND p.provider_ref = ?`, provider, ref)
	return oneDispatch(ds, err, what)
}

// Transition writes w's mutable fields (state, attempts, next_at, sent_at,
// ref, status, reason, provider code, text) if the stored state is still
// from, else returns batch.ErrConflict; the audit event is written in the
// same transaction. The route (provider, account, user) is not changed
// here; the idempotency key may be set once, when still empty, and never
// replaced: a changed key would let a payment be sent twice.
//
// A non-terminal state with a zero NextAt is stored as due now, so that a
// record cannot stall unseen by Due.
//
// Concurrent transitions are committed together (group_commit.go), each
// under its own savepoint: a conflict fails only its own caller, a failed
// commit fails every caller in it. Transition returns only once the
// transaction that holds w has committed, so the caller may act on it.
func (s *Store) Transition(ctx context.Context, w *batch.Dispatch, from batch.DispatchState, why string) error {
	err := s.gc.submit(ctx, &transitionReq{ctx: ctx, w: w, from: from, why: why, result: make(chan error, 1)})
	if err != nil {
		return fmt.Errorf("transition payment %d %s→%s: %w", w.PaymentID, from, w.State, err)
	}
	return nil
}

func (s *Store) transition(ctx context.Context, tx *sqlx.Tx, w *batch.Dispatch, from batch.DispatchState, why string) error {
	var cur struct {
		State   string         `db:"state"`
		Key     sql.NullString `db:"idempotency_key"`
		BatchID string         `db:"batch_id"`
	}
	err := tx.GetContext(ctx, &cur, s.rebind(`SELECT state, idempotency_key, batch_id FROM payments WHERE id = ?`), w.PaymentID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if cur.State != string(from) {
		return batch.ErrConflict
	}
	if cur.Key.Valid && w.Key != cur.Key.String {
		return fmt.Errorf("idempotency key is fixed at %q, refusing %q", cur.Key.String, w.Key)
	}
	now := s.nowUTC()
	if !w.State.Terminal() && w.NextAt.IsZero() {
		w.NextAt = now
	}
	// The state condition is repeated in the UPDATE so that the
	// compare-and-set also holds on a database where the SELECT above
	// does not lock the row (PostgreSQL at READ COMMITTED).
	res, err := tx.ExecContext(ctx, s.rebind(`UPDATE payments SET state = ?, attempts = ?, next_at = ?,
		sent_at = ?, provider_ref = ?, status = ?, reason = ?, provider_code = ?, text = ?,
		idempotency_key = ?, updated_at = ? WHERE id = ? AND state = ?`),
		string(w.State), w.Attempts, dbTime{w.NextAt}, dbTime{w.SentAt}, w.Ref, string(w.Status),
		string(w.Reason), w.ProviderCode, w.Text, nullString(w.Key), dbTime{now}, w.PaymentID, string(from))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return batch.ErrConflict
	}
	w.BatchID = cur.BatchID
	return s.appendEvent(ctx, tx, Event{BatchID: cur.BatchID, PaymentID: w.PaymentID, Kind: KindPaymentState,
		From: string(from), To: string(w.State), Why: why, Detail: dispatchDetail(w)})
}

// queryDispatch selects payments (aliased p) with their batch's PmtInf
// blocks, loaded once per batch so that payments share them.
func (s *Store) queryDispatch(ctx context.Context, q queryer, where string, args ...any) ([]*batch.Dispatch, error) {
	rows, err := q.QueryxContext(ctx, s.rebind(`SELECT p.id, `+prefixed("p.", paymentColumns)+` FROM payments p `+where), args...)
	if err != nil {
		return nil, err
	}
	var rs []paymentRow
	for rows.Next() {
		var r paymentRow
		if err := rows.StructScan(&r); err != nil {
			rows.Close()
			return nil, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Infos are read after the rows are closed: on SQLite one connection
	// cannot interleave two result sets inside a transaction.
	infos := map[string]map[int]*batch.PaymentInfo{}
	out := make([]*batch.Dispatch, 0, len(rs))
	for i := range rs {
		m, ok := infos[rs[i].BatchID]
		if !ok {
			if m, err = s.loadInfos(ctx, q, rs[i].BatchID); err != nil {
				return nil, err
			}
			infos[rs[i].BatchID] = m
		}
		d, err := rs[i].dispatch(m)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func oneDispatch(ds []*batch.Dispatch, err error, what string) (*batch.Dispatch, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return ds[0], nil
}
