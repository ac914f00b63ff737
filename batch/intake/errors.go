package intake

import "errors"

// Sentinel errors, wrapped with context by the implementations; test with
// errors.Is.
var (
	// ErrAlreadyClaimed means another instance (or another Source on the
	// same inbox) took the file first. Not a failure: skip the file.
	ErrAlreadyClaimed = errors.New("intake: file already claimed")
	// ErrUnsafeName means a name could escape its folder or confuse people
	// and tools (separators, "..", control characters, invalid UTF-8).
	ErrUnsafeName = errors.New("intake: unsafe file name")
	// ErrNotRegular means the inbox entry is a symlink, device, socket or
	// pipe; paybatch only reads regular files it does not have to follow.
	ErrNotRegular = errors.New("intake: not a regular file")
	// ErrIncomplete means a transfer was cut short: the size read or
	// written differs from the size expected. Retry.
	ErrIncomplete = errors.New("intake: incomplete transfer")
	// ErrUnavailable means the source cannot be reached right now (server
	// down, connection lost). Retry with backoff.
	ErrUnavailable = errors.New("intake: source unavailable")
	// ErrUntrusted means the source is not who it should be (an SFTP host
	// key that does not match). Retrying cannot fix it, but the daemon keeps
	// retrying so that a corrected server or key is picked up; it is logged
	// as an error, since it is either a misconfiguration or an attack.
	ErrUntrusted = errors.New("intake: source not trusted")
)
