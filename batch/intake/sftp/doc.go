// Package sftp is the intake.Source for a remote SFTP server, the
// host-to-host channel ERP systems already use with their banks: they upload
// pain.001 into an inbox and collect pain.002 from an outbox.
//
// Remote layout (defaults, all configurable):
//
//	<inbox>/processing/<instance>/  files claimed by this paybatch instance
//	<inbox>/archive/YYYY-MM-DD/     finished files
//	<inbox>/failed/                 rejected files with <name>.error.txt
//	<inbox>/outbox/                 reports
//
// A claim is a remote rename, so several paybatch instances can poll one
// server and never take the same file; each instance has its own processing
// folder so that Recover at start-up hands back only its own unfinished files.
//
// The server's host key is always verified, against a pinned key or a
// known_hosts file; there is no insecure mode.
package sftp
