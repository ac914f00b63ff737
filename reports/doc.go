// Package reports writes what paybatch sends back to whoever dropped a batch:
// pain.002 status reports (002.001.03, .10 and .11, following the input's
// version) and a human summary in the input's own format (CSV or XLSX).
//
// Every writer streams: payments arrive through an iter.Seq that the caller
// backs with a store cursor, so a batch of a million payments is written with
// flat memory. The pain.002 writer walks the sequence twice (statuses of a
// PmtInf block precede its transactions in the XML); the summaries once.
//
// Choices a reader of the reports relies on:
//   - The pain.002 is written element by element in XSD order rather than
//     marshalled from moov-io/iso20022 types: whole-document marshalling
//     would hold every transaction in memory, and the three versions differ
//     in only four places (see dialect).
//   - Values are copied from the input so the ERP can match them. What the
//     schema would refuse is cut (text over its MaxNNText length), moved (an
//     invalid IBAN or BIC goes to Othr/Id) or left out (a negative or unread
//     amount, a malformed date): a report that fails validation helps nobody.
//   - A file-level rejection (FF01, DU01, AM18, AM10) reports the group only:
//     GrpSts RJCT with the reason; no payment of such a file is ever paid.
//   - OrgnlMsgNmId of a CSV or XLSX input names the pain.001 that pairs with
//     the report version (pain.001.001.09 for the default 002.001.10), and
//     OrgnlMsgId is the batch ID the user was given.
//   - A sandbox batch carries AddtlInf "SANDBOX: no real money moved" in the
//     group status of every report.
package reports
