// Package smoney is the adapter for S-money payouts to stored bank accounts
// and a faithful simulator of that API (PROVIDERS.md, "S-money").
//
// Decisions the dossier leaves open, made here:
//
//   - The creditor's bank account must be stored for the paying user before
//     a payout. Preflight (and Submit, if Preflight was skipped) finds it by
//     IBAN in GET /users/{appuserid}/bankaccounts, or registers it with POST;
//     the id is cached per user and IBAN, so an account is registered once
//     and reused. Holder names are split at the last space (FirstName = all
//     but the last word, LastName = the last word; one word → LastName only).
//   - Stored account Status 3 (refused) → *dispatch.RejectedError AC01.
//     Status 2 (awaiting validation) → *dispatch.NotSentError with
//     RetryAfter 5 minutes: nothing was sent, and the engine tries again once
//     S-money had time to validate (the sandbox validates immediately).
//   - Error 551 (more than 3 new accounts per user in 7 days) →
//     *dispatch.RejectedError AG01 with the provider code, final: waiting a
//     week is not a retry, and the pain.002 tells the user why.
//   - IBAN/BIC errors 179–190 → AC01, except the BIC errors 182 and 183 [I]
//     and the BIC/IBAN mismatch 1058, which are RC01.
//   - Motif (≤35) carries the remittance. Config.MotifPolicy "reject"
//     (default) refuses a longer remittance with CH16 before any call and
//     advertises Capabilities.MaxRemittanceLen = 35; "truncate" cuts the
//     motif at 35 characters while message keeps the full text. Message
//     carries the remittance and the batch id, reference the EndToEndId.
//   - Idempotency is undocumented: the orderid is the payment key, Lookup is
//     GET /payouts/{orderid} (404 code 356 → not found). The sandbox refuses
//     a repeated orderid with code 1005 [I]; Submit answers that by fetching
//     the existing payout, so a repeated Submit never pays twice.
//   - Status: Fee.Status 2 cancelled, 3 failed or 4 expired → RJCT NARR;
//     ExecutedDate set → ACSC; anything else ACSP.
package smoney
