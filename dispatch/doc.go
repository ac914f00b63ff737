// Package dispatch sends validated payments to payout providers exactly once.
// It owns the Provider interface that each dispatch/<provider> package
// implements, the typed errors that classify provider outcomes, the Router
// that picks a provider account for a payment, and the Engine that runs
// per-provider workers with rate limits, retries and reconciliation.
package dispatch
