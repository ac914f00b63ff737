// Package pain001 streams ISO 20022 pain.001 customer credit transfer
// initiations: every version from pain.001.001.03 to .12, the SEPA
// pain.001.002.03, the German DK pain.001.003.03 and national variants that
// only change the namespace (Swiss ch.02, …), bare or inside a CBPR+ envelope.
//
// The reader walks the document token by token with a small XML lexer of
// its own (encoding/xml allocates per token and cannot bound a token's
// size) and keeps only the current group header, payment-information block
// and transaction in memory, so a file with a million payments needs no
// more memory than one with ten. Limits (MaxDepth, MaxTokenBytes,
// MaxBlocks) keep hostile input from changing that; DTDs are refused.
// Anything that makes the file unusable — not XML, another message, an
// unknown version, malformed or truncated XML, hostile structure — is a
// *batch.FileError with code FF01, and the whole file must be rejected.
package pain001
