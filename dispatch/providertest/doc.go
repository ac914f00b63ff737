// Package providertest is the conformance suite every dispatch/<provider>
// adapter runs against its own sandbox over real HTTP: the magic-cents
// outcomes, injected faults, commit-then-drop reconciliation, token refresh
// and secret-free logs. One suite, so that the four adapters keep the same
// promises to the engine (dispatch.Provider's contract).
package providertest
