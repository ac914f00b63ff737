// Package xlsx reads payout batches from Excel workbooks: the first sheet
// or a named one, the header row found automatically (see parser/tabular),
// numbers taken from the cell's stored value so cents are never rounded
// through a float display format. Rows stream through excelize's row
// reader; the zip itself is held in memory and capped.
package xlsx
