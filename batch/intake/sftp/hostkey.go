package sftp

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/paybatch/paybatch/batch/intake"
)

// HostKeyError means the server presented a key we do not trust: a
// misconfiguration or someone in the middle. Never retried into success.
type HostKeyError struct {
	Host     string   // host:port as dialled
	Got      string   // SHA256 fingerprint of the presented key
	GotType  string   // its algorithm, e.g. ssh-ed25519
	Expected []string // fingerprints trusted for this host; empty if unknown
}

func (e *HostKeyError) Error() string {
	if len(e.Expected) == 0 {
		return fmt.Sprintf("sftp: host key of %s not trusted: server presented %s %s and no key is known for this host", e.Host, e.GotType, e.Got)
	}
	return fmt.Sprintf("sftp: host key mismatch for %s: server presented %s %s, expected %s", e.Host, e.GotType, e.Got, strings.Join(e.Expected, " or "))
}

// Is makes errors.Is(err, intake.ErrUntrusted) true, so Watch logs a host
// key mismatch as an error rather than as an outage.
func (e *HostKeyError) Is(target error) bool { return target == intake.ErrUntrusted }

// hostKeyCheck builds the callback and the algorithms to ask for from the
// configured pinned keys and/or known_hosts file.
func hostKeyCheck(cfg Config) (ssh.HostKeyCallback, []string, error) {
	var pinned []ssh.PublicKey
	rest := []byte(cfg.HostKey)
	for len(bytes.TrimSpace(rest)) > 0 {
		k, _, _, r, err := ssh.ParseAuthorizedKey(rest)
		if err != nil {
			return nil, nil, fmt.Errorf("host_key: %w", err)
		}
		pinned = append(pinned, k)
		rest = r
	}
	var known ssh.HostKeyCallback
	if cfg.KnownHosts != "" {
		cb, err := knownhosts.New(cfg.KnownHosts)
		if err != nil {
			return nil, nil, fmt.Errorf("known_hosts: %w", err)
		}
		known = cb
	}
	cb := func(host string, remote net.Addr, key ssh.PublicKey) error {
		got := key.Marshal()
		for _, k := range pinned {
			if bytes.Equal(k.Marshal(), got) {
				return nil
			}
		}
		herr := &HostKeyError{Host: host, Got: ssh.FingerprintSHA256(key), GotType: key.Type()}
		for _, k := range pinned {
			herr.Expected = append(herr.Expected, ssh.FingerprintSHA256(k))
		}
		if known != nil {
			err := known(host, remote, key)
			if err == nil {
				return nil
			}
			var ke *knownhosts.KeyError
			if !errors.As(err, &ke) {
				return fmt.Errorf("known_hosts check for %s: %w", host, err)
			}
			for _, w := range ke.Want {
				herr.Expected = append(herr.Expected, ssh.FingerprintSHA256(w.Key))
			}
		}
		return herr
	}
	// Asking only for the pinned key types stops a server from presenting
	// another of its keys first, which would fail the pin for no reason.
	var algos []string
	if known == nil {
		for _, k := range pinned {
			if k.Type() == ssh.KeyAlgoRSA {
				algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
			} else {
				algos = append(algos, k.Type())
			}
		}
	}
	return cb, algos, nil
}
