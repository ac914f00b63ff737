// Package batch owns paybatch's domain: batches, payments, money, statuses,
// ISO 20022 reason codes and the validation rules that turn a parsed payment
// into a list of issues. It imports nothing from the rest of the project.
package batch
