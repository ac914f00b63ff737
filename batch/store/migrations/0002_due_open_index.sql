-- Due() reads the oldest due payments of a provider among the open states.
-- payments_due (provider, state, next_at) serves the filter but not the
-- ORDER BY next_at across four states, so every call sorted every open
-- payment of the provider: ~0.2 s per call at 100 000 queued, once per
-- handful of payments sent. This partial index holds only open payments,
-- already in the order Due() wants, so LIMIT stops after a few rows. The
-- state list must match the literal list in Due() (journal.go).
CREATE INDEX payments_due_open ON payments (provider, next_at, id)
    WHERE state IN ('queued', 'sending', 'unknown', 'submitted');
