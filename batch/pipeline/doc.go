// Package pipeline runs a payout file through paybatch's stages and persists
// every transition: duplicate check, parse, validate, route, store, the
// acknowledgement report, release to the dispatch engine, and, once every
// payment is terminal, the final report and the user's summary.
//
// A file is never partly paid: payments are stored while the file streams
// in, but the engine sees them only after the batch reaches the dispatching
// stage, which happens after the last payment was read and the file-level
// checks (counts, control sums, truncation) passed.
package pipeline
