package dispatch

import (
	"context"
	"time"

	"github.com/paybatch/paybatch/batch"
)

// Journal persists dispatch records. The store implements it over SQLite;
// every Transition is committed, with an audit event, before it returns
// (several concurrent ones may share one transaction).
type Journal interface {
	// Due returns up to limit records of provider in a non-terminal state
	// (batch.Queued, Sending, Unknown, Submitted) whose NextAt <= now, oldest
	// NextAt first.
	Due(ctx context.Context, provider string, now time.Time, limit int) ([]*batch.Dispatch, error)
	// Transition writes w (all mutable fields) if the stored state is still
	// from, else returns batch.ErrConflict. why goes into the audit event.
	Transition(ctx context.Context, w *batch.Dispatch, from batch.DispatchState, why string) error
	// Get reloads one record.
	Get(ctx context.Context, paymentID int64) (*batch.Dispatch, error)
	// FindByRef finds a record by provider and provider reference (webhooks).
	FindByRef(ctx context.Context, provider, ref string) (*batch.Dispatch, error)
}
