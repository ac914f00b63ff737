// Package p100 is the adapter for the p100 Partner API (closed-loop user
// payouts: a user can only be paid to an APPROVED IBAN of their contact
// list) and a sandbox simulating it. See PROVIDERS.md, "p100".
package p100
