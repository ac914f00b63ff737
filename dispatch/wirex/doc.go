// Package wirex is the adapter for Wirex BaaS SEPA payouts (token, then
// estimate, then execute the estimation; status from the activity feed) and
// a sandbox simulating it. See PROVIDERS.md, "Wirex".
package wirex
