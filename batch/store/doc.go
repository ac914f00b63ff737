// Package store persists batches, payments, their dispatch records and an
// append-only audit trail in SQLite (modernc.org/sqlite, no cgo). It is the
// only package with SQL in it.
//
// Every public method runs in its own transaction and writes the audit event
// of each state change in that same transaction, so that the database never
// holds a change nobody can explain. The one exception is Transition:
// concurrent dispatch transitions are committed together by one writer
// (group_commit.go), each still with its own event and its own outcome. The SQL is kept portable where that
// costs nothing (ON CONFLICT, RETURNING, ? bindvars through sqlx.Rebind) so
// that a PostgreSQL backend can follow.
package store
