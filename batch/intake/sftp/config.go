package sftp

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"time"
)

// Config describes one SFTP source (one server, one inbox). Several inboxes
// on one server are several sources.
type Config struct {
	Name string // source name; default "sftp:<host>"
	Host string
	Port int // default 22
	User string

	// Authentication: a private key (KeyFile, or Key holding the PEM text),
	// optionally protected by KeyPassphrase, and/or a Password.
	KeyFile       string
	Key           string
	KeyPassphrase string
	Password      string

	// Server authentication, REQUIRED: HostKey pins the key(s) in
	// authorized_keys format ("ssh-ed25519 AAAA..."), KnownHosts names an
	// OpenSSH known_hosts file. With both, a key matching either is trusted.
	HostKey    string
	KnownHosts string

	Inbox      string // remote folder polled for files
	Outbox     string // default <Inbox>/outbox
	Processing string // default <Inbox>/processing
	Archive    string // default <Inbox>/archive
	Failed     string // default <Inbox>/failed
	// Instance separates the processing folders of several paybatch
	// instances sharing the server; default the host name.
	Instance string
	// StagingDir is the local folder for downloaded copies; default
	// <tmp>/paybatch-sftp/<Name>.
	StagingDir string

	PollInterval time.Duration // for intake.Watch; default 30s
	MinAge       time.Duration // size and mtime unchanged this long
	DeleteAfter  bool          // delete instead of archive on success
	DialTimeout  time.Duration // TCP connect + SSH handshake; default 15s
	KeepAlive    time.Duration // keepalive probe interval; default 15s
	// VerifyChecksum reads every upload back and compares its sha256, for
	// servers that may corrupt data without changing the size.
	VerifyChecksum bool

	Logger *slog.Logger
	Now    func() time.Time // clock for archive dates only
}

// withDefaults fills in what the user may leave out.
func (c Config) withDefaults() Config {
	if c.Port == 0 {
		c.Port = 22
	}
	if c.Name == "" {
		c.Name = "sftp:" + c.Host
	}
	if c.Inbox == "" {
		c.Inbox = "."
	}
	def := func(p *string, sub string) {
		if *p == "" {
			*p = path.Join(c.Inbox, sub)
		}
	}
	def(&c.Outbox, "outbox")
	def(&c.Processing, "processing")
	def(&c.Archive, "archive")
	def(&c.Failed, "failed")
	if c.Instance == "" {
		c.Instance, _ = os.Hostname()
		if c.Instance == "" {
			c.Instance = "paybatch"
		}
	}
	if c.StagingDir == "" {
		c.StagingDir = filepath.Join(os.TempDir(), "paybatch-sftp", safeLocal(c.Name))
	}
	if c.PollInterval == 0 {
		c.PollInterval = 30 * time.Second
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 15 * time.Second
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = 15 * time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validate reports every configuration mistake at once. A config that does
// not say how to check the server's host key is refused: there is no
// insecure mode.
func (c Config) Validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("host is required"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d out of range", c.Port))
	}
	if c.User == "" {
		errs = append(errs, errors.New("user is required"))
	}
	if c.KeyFile == "" && c.Key == "" && c.Password == "" {
		errs = append(errs, errors.New("one of key_file, key or password is required"))
	}
	if c.KeyFile != "" && c.Key != "" {
		errs = append(errs, errors.New("key_file and key are mutually exclusive"))
	}
	if c.HostKey == "" && c.KnownHosts == "" {
		errs = append(errs, errors.New("host_key or known_hosts is required: the server's identity is always verified"))
	}
	if c.MinAge < 0 || c.PollInterval < 0 || c.DialTimeout < 0 || c.KeepAlive < 0 {
		errs = append(errs, errors.New("durations must not be negative"))
	}
	if c.Outbox != "" && path.Clean(c.Outbox) == path.Clean(c.Inbox) {
		// Reports written into the inbox would be read back as batches.
		errs = append(errs, fmt.Errorf("outbox %q must not be the inbox", c.Outbox))
	}
	if c.Instance != "" && path.Base(c.Instance) != c.Instance {
		errs = append(errs, fmt.Errorf("instance %q must be a plain name", c.Instance))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sftp source %q: %w", c.Name, err)
	}
	return nil
}

// LogValue keeps secrets out of logs: passwords, keys and passphrases are
// reported only as set or not.
func (c Config) LogValue() slog.Value {
	set := func(s string) string {
		if s == "" {
			return ""
		}
		return "(set)"
	}
	return slog.GroupValue(
		slog.String("name", c.Name), slog.String("host", c.Host), slog.Int("port", c.Port),
		slog.String("user", c.User), slog.String("key_file", c.KeyFile), slog.String("key", set(c.Key)),
		slog.String("password", set(c.Password)), slog.String("host_key", c.HostKey),
		slog.String("known_hosts", c.KnownHosts), slog.String("inbox", c.Inbox), slog.String("outbox", c.Outbox),
	)
}

// safeLocal turns a source name into something usable as a directory name.
func safeLocal(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
