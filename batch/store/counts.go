package store

import (
	"context"
	"fmt"

	"github.com/paybatch/paybatch/batch"
)

// ProviderCount is how many routed payments of one provider stand in one
// dispatch state with one pain.002 status.
type ProviderCount struct {
	Provider string
	State    batch.DispatchState
	Status   batch.Status
	N        int
}

// CountByProvider counts routed payments over every batch by provider,
// dispatch state and status: what the metrics gauges (payments by status,
// queue depth) show at scrape time.
func (s *Store) CountByProvider(ctx context.Context) ([]ProviderCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT provider, state, status, COUNT(*) FROM payments
		WHERE provider <> '' GROUP BY provider, state, status`)
	if err != nil {
		return nil, fmt.Errorf("count payments by provider: %w", err)
	}
	defer rows.Close()
	var out []ProviderCount
	for rows.Next() {
		var c ProviderCount
		var state, status string
		if err := rows.Scan(&c.Provider, &state, &status, &c.N); err != nil {
			return nil, fmt.Errorf("count payments by provider: %w", err)
		}
		c.State, c.Status = batch.DispatchState(state), batch.Status(status)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count payments by provider: %w", err)
	}
	return out, nil
}

// Ping checks that the database answers a trivial query (health checks).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("store ping: %w", err)
	}
	return nil
}
