// Package solaris is the adapter for Solaris SEPA credit transfers and a
// faithful simulator of that API (PROVIDERS.md, "Solaris").
//
// Decisions the dossier leaves open, made here:
//
//   - Idempotency: the transfer's reference is the payment key when the key is
//     a UUID; otherwise a name-based UUID (version 5, SHA-1, in a fixed
//     paybatch namespace) derived from the key, so the same key always gives
//     the same reference, across restarts too. A repeated reference returns
//     the existing transfer, so Capabilities.IdempotentReplay is true.
//   - Lookup lists the account's transfers with filter[reference] [I] and
//     checks each result's reference itself, paging to the end, so an API
//     that ignored the filter still answers correctly (only more slowly).
//   - Verification of Payee: Preflight verifies and keeps the verification
//     id for Submit, which sends it as verification_of_payee_id. A
//     verification is consumed by one create and expires after minutes, so
//     Submit verifies again when none is fresh. MATCH proceeds; NO_MATCH is
//     a *dispatch.RejectedError BE01 and nothing is sent; CLOSE_MATCH follows
//     Config.CloseMatch: "hold" (default, a *dispatch.HoldError the engine
//     keeps as PDNG "needs review") or "reject" (BE01).
//     VERIFICATION_NOT_POSSIBLE and VERIFICATION_NOT_SUPPORTED proceed: the
//     scheme leaves the decision to the payer and a batch that stops whenever
//     the payee's bank is not reachable would not be usable; the verification
//     id is still sent, which records that the check was made.
//   - The sandbox cannot see the amount during Verification of Payee (it gets
//     only iban and name), so the contract's ".55 → BE01" is enforced when the
//     transfer is created: a .55 transfer is refused with 422
//     verification_of_payee_no_match [I] on verification_of_payee_id, and the
//     verification is marked NO_MATCH. Names containing "nomatch" or
//     "mismatch" get NO_MATCH from the verification itself (BE01 before any
//     create), "closematch" gets CLOSE_MATCH, "notpossible"
//     VERIFICATION_NOT_POSSIBLE.
//   - The sandbox's ledger records the reference as the payment's key (it
//     never sees the key itself); with UUID keys the two are the same.
//   - Declined transfers carry decline_reason [I]: insufficient_funds → AM04,
//     invalid_account → AC01, not_allowed → AG01, anything else NARR.
package solaris
