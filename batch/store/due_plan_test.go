package store

import (
	"context"
	"strings"
	"testing"
)

// TestDueUsesOpenIndex: Due must read payments_due_open in order, not sort
// every open payment of the provider (0.2 s per call at 100k queued).
func TestDueUsesOpenIndex(t *testing.T) {
	s, _ := newStore(t)
	rows, err := s.db.QueryContext(context.Background(), `EXPLAIN QUERY PLAN SELECT p.id FROM payments p
		JOIN batches b ON b.id = p.batch_id
		WHERE p.provider = ? AND p.state IN `+openStates+` AND p.next_at <= ? AND b.stage = ?
		ORDER BY p.next_at, p.id LIMIT ?`, "solaris", "2099", StageDispatching, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "; ")
	if !strings.Contains(got, "payments_due_open") || strings.Contains(got, "TEMP B-TREE") {
		t.Fatalf("Due's plan: %s", got)
	}
}
