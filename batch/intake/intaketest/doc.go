// Package intaketest holds what tests of intake sources share: the
// conformance suite every intake.Source must pass (RunSourceSuite) and a real
// OpenSSH sshd on loopback (StartSSHD) for the SFTP source and for end-to-end
// tests of the daemon.
package intaketest
