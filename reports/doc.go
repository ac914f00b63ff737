// Package reports writes what paybatch sends back to whoever dropped a batch:
// pain.002 status reports (002.001.03, .10 and .11, following the input's
// version) and a human summary in the input's own format (CSV or XLSX).
//
// Every writer streams: payments arrive through an iter.Seq that the caller
// backs with a store cursor, so a batch of a million payments is written with
// flat memory. The pain.002 writer walks the sequence twice (statuses of a
// PmtInf block precede its transactions in the XML); the summaries once.
package reports
