// Package csv reads payout batches from CSV files as Excel and accounting
// tools write them: UTF-8 (with or without BOM) or Windows-1252, ',' ';' or
// tab delimited, a header row with template column names or their aliases
// (see parser/tabular), possibly under a title. It streams: memory depends
// on the longest record, which is capped, not on the file size.
package csv
