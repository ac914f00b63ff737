// Package intake owns how payout files get into paybatch and how reports get
// back out: a Source finds files that are complete, claims them so that no
// other paybatch instance takes them, stages a local copy for the pipeline and
// files the original away (archive/ or failed/) once the pipeline is done. An
// Outbox writes reports atomically next to where the batch came from.
//
// Implementations live in sub-packages named after what they wrap: folder
// (local or mounted directories) and sftp (a remote SFTP server). The
// conformance suite every Source must pass is in intaketest.
package intake
