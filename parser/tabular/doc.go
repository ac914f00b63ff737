// Package tabular owns what parser/csv and parser/xlsx share: the template
// columns and their aliases, finding the header row, and turning one row of
// cells into a batch.Payment (locale-aware amounts, European dates).
//
// Row problems are recorded on the payment as issues, never returned as
// errors; only a file without a usable header is a *batch.FileError (FF01).
package tabular
