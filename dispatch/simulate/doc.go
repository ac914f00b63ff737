// Package simulate is the kit the four provider sandboxes share: the ledger
// of executed payouts, fault injection, the magic-cents outcomes of the
// sandbox contract (PROVIDERS.md) and the pending-then-final clock. Each
// dispatch/<provider> sandbox implements its provider's API on top of it.
package simulate
