package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Event is one entry of the append-only audit trail.
type Event struct {
	ID        int64
	At        time.Time
	BatchID   string // empty for store-wide events (the daemon lock)
	PaymentID int64  // 0 for batch-level events
	Actor     string // "paybatch", "webhook:solaris", ...
	Kind      string // see the Kind constants
	From, To  string // states before and after, where the event changes one
	Why       string
	Detail    string
}

// Event kinds.
const (
	KindBatchCreated  = "batch.created"
	KindBatchStage    = "batch.stage"
	KindBatchStatus   = "batch.status"
	KindBatchUpdated  = "batch.updated"
	KindPaymentsAdded = "payments.added"
	KindPaymentRouted = "payment.routed"
	KindPaymentState  = "payment.transition"
	KindLockAcquired  = "lock.acquired"
	KindLockTakenOver = "lock.taken_over"
	KindLockReleased  = "lock.released"
	defaultActor      = "paybatch"
)

type actorKey struct{}

// WithActor names who causes the changes made with ctx, e.g.
// "webhook:solaris" or "cli:status"; the default is "paybatch". It travels in
// the context because dispatch.Journal's methods have no room for it.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

func actorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return defaultActor
}

// Events returns a batch's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, batchID string) ([]Event, error) {
	return s.events(ctx, `WHERE batch_id = ?`, batchID)
}

// PaymentEvents returns one payment's audit trail, oldest first.
func (s *Store) PaymentEvents(ctx context.Context, paymentID int64) ([]Event, error) {
	return s.events(ctx, `WHERE payment_id = ?`, paymentID)
}

func (s *Store) events(ctx context.Context, where string, arg any) ([]Event, error) {
	rows, err := s.db.QueryxContext(ctx, s.rebind(`SELECT id, at, batch_id, payment_id, actor, kind,
		from_state, to_state, why, detail FROM events `+where+` ORDER BY id`), arg)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var (
			e   Event
			at  dbTime
			bid sql.NullString
			pid sql.NullInt64
		)
		if err := rows.Scan(&e.ID, &at, &bid, &pid, &e.Actor, &e.Kind, &e.From, &e.To, &e.Why, &e.Detail); err != nil {
			return nil, fmt.Errorf("events: %w", err)
		}
		e.At, e.BatchID, e.PaymentID = at.Time, bid.String, pid.Int64
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return out, nil
}

// appendEvent writes e in tx; callers fill everything but ID, At and Actor.
func (s *Store) appendEvent(ctx context.Context, tx *sqlx.Tx, e Event) error {
	var pid any
	if e.PaymentID != 0 {
		pid = e.PaymentID
	}
	_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO events
		(at, batch_id, payment_id, actor, kind, from_state, to_state, why, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		fmtTime(s.nowUTC()), nullString(e.BatchID), pid, actorOf(ctx), e.Kind, e.From, e.To, e.Why, e.Detail)
	if err != nil {
		return fmt.Errorf("append event %s: %w", e.Kind, err)
	}
	return nil
}
