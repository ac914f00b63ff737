// Package parser turns payout files into streams of batch.Payment. Open sniffs
// the content (never the file name) and hands it to parser/pain001,
// parser/csv or parser/xlsx, which stream: memory does not grow with the file.
package parser

import "github.com/paybatch/paybatch/batch"

// Reader streams the payments of one file.
//
// Header is available as soon as the reader exists. Next returns payments in
// file order, then io.EOF; a *batch.FileError from Next means the file is
// unusable (malformed XML half way, a truncated file) and the whole file must
// be rejected. Infos lists the payment-information blocks seen so far and is
// complete after io.EOF (CSV and XLSX have one implied block).
type Reader interface {
	Header() *batch.Header
	Next() (*batch.Payment, error)
	Infos() []*batch.PaymentInfo
}
