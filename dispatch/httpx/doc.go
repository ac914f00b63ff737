// Package httpx holds what the provider adapters share on the wire: a JSON
// client that bounds every request in time and every response in size, and
// classifies transport failures into the dispatch error classes (NotSent
// when the request provably never left, UnknownOutcome otherwise), plus
// Retry-After parsing and IBAN masking for secret-free logs.
package httpx
