package sftp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/paybatch/paybatch/batch/intake"
)

// session is one live SFTP connection; dead closes when it ends for any
// reason (server gone, keepalive failed, Close).
type session struct {
	client *sftp.Client
	close  func() error
	dead   chan struct{}
}

func (s *session) alive() bool {
	select {
	case <-s.dead:
		return false
	default:
		return true
	}
}

// conn dials lazily, notices a dead connection and re-dials with backoff, so
// callers just ask for a client and get either one or ErrUnavailable.
type conn struct {
	addr string
	log  *slog.Logger
	dial func(ctx context.Context) (*session, error)

	mu       sync.Mutex
	cur      *session
	nextDial time.Time
	bo       intake.Backoff
}

func newConn(cfg Config) (*conn, error) {
	auth, err := authMethods(cfg)
	if err != nil {
		return nil, err
	}
	check, algos, err := hostKeyCheck(cfg)
	if err != nil {
		return nil, fmt.Errorf("sftp source %q: %w", cfg.Name, err)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	sshCfg := &ssh.ClientConfig{
		User:              cfg.User,
		Auth:              auth,
		HostKeyCallback:   check,
		HostKeyAlgorithms: algos,
		Timeout:           cfg.DialTimeout,
	}
	c := &conn{addr: addr, log: cfg.Logger, bo: intake.Backoff{Min: 500 * time.Millisecond, Max: 30 * time.Second}}
	c.dial = func(ctx context.Context) (*session, error) {
		return dialSSH(ctx, addr, sshCfg, cfg.DialTimeout, cfg.KeepAlive)
	}
	return c, nil
}

func authMethods(cfg Config) ([]ssh.AuthMethod, error) {
	var out []ssh.AuthMethod
	pemText := []byte(cfg.Key)
	if cfg.KeyFile != "" {
		b, err := os.ReadFile(cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("sftp source %q: key_file: %w", cfg.Name, err)
		}
		pemText = b
	}
	if len(pemText) > 0 {
		var signer ssh.Signer
		var err error
		if cfg.KeyPassphrase != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(pemText, []byte(cfg.KeyPassphrase))
		} else {
			signer, err = ssh.ParsePrivateKey(pemText)
		}
		if err != nil {
			// The parser's error names the problem, never the key bytes.
			return nil, fmt.Errorf("sftp source %q: private key: %w", cfg.Name, err)
		}
		out = append(out, ssh.PublicKeys(signer))
	}
	if cfg.Password != "" {
		out = append(out, ssh.Password(cfg.Password))
	}
	return out, nil
}

func dialSSH(ctx context.Context, addr string, cfg *ssh.ClientConfig, timeout, keepAlive time.Duration) (*session, error) {
	nc, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	// ClientConfig.Timeout covers only the TCP connect in ssh.Dial; a
	// server that accepts and then stalls must not hang the handshake.
	_ = nc.SetDeadline(time.Now().Add(timeout))
	sc, chans, reqs, err := ssh.NewClientConn(nc, addr, cfg)
	if err != nil {
		nc.Close()
		return nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	sshc := ssh.NewClient(sc, chans, reqs)
	fc, err := sftp.NewClient(sshc)
	if err != nil {
		sshc.Close()
		return nil, fmt.Errorf("start sftp subsystem: %w", err)
	}
	s := &session{client: fc, dead: make(chan struct{})}
	var once sync.Once
	s.close = func() error {
		var err error
		once.Do(func() { fc.Close(); err = sshc.Close() })
		return err
	}
	go func() { // owner: the session; ends when the connection does
		_ = fc.Wait()
		s.close()
		close(s.dead)
	}()
	go keepalive(sshc, s, keepAlive)
	return s, nil
}

// keepalive probes the server so a half-open connection (a crashed server,
// a NAT that forgot us) is noticed before the next operation hangs on it.
func keepalive(c *ssh.Client, s *session, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.dead:
			return
		case <-t.C:
		}
		res := make(chan error, 1)
		go func() { _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); res <- err }()
		select {
		case <-s.dead:
			return
		case err := <-res:
			if err != nil {
				s.close()
				return
			}
		case <-time.After(every):
			s.close() // no answer within a whole interval: give up on it
			return
		}
	}
}

// client returns a live SFTP client, dialling if needed. A failed dial makes
// further calls fail fast with ErrUnavailable until the backoff has passed.
func (c *conn) client(ctx context.Context) (*sftp.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.cur.alive() {
		return c.cur.client, nil
	}
	c.cur = nil
	if wait := time.Until(c.nextDial); wait > 0 {
		return nil, fmt.Errorf("sftp %s: %w (next attempt in %v)", c.addr, intake.ErrUnavailable, wait.Round(time.Millisecond))
	}
	s, err := c.dial(ctx)
	if err != nil {
		c.nextDial = time.Now().Add(c.bo.Next())
		var hk *HostKeyError
		if errors.As(err, &hk) {
			return nil, fmt.Errorf("sftp connect %s: %w", c.addr, hk)
		}
		return nil, fmt.Errorf("sftp connect %s: %w: %w", c.addr, intake.ErrUnavailable, err)
	}
	c.bo.Reset()
	c.log.Info("intake: sftp connected", "addr", c.addr)
	c.cur = s
	return s.client, nil
}

// classify turns an error of an SFTP operation into ErrUnavailable when the
// connection is gone, and drops the connection so the next call re-dials.
func (c *conn) classify(err error) error {
	if err == nil {
		return nil
	}
	c.mu.Lock()
	cur := c.cur
	c.mu.Unlock()
	lost := errors.Is(err, sftp.ErrSSHFxConnectionLost) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if cur != nil && !lost {
		lost = !cur.alive()
	}
	if !lost {
		return err
	}
	c.drop(cur)
	return fmt.Errorf("%w: %w", intake.ErrUnavailable, err)
}

func (c *conn) drop(s *session) {
	if s == nil {
		return
	}
	s.close()
	c.mu.Lock()
	if c.cur == s {
		c.cur = nil
	}
	c.mu.Unlock()
}

// Close ends the current connection, if any.
func (c *conn) Close() error {
	c.mu.Lock()
	s := c.cur
	c.cur = nil
	c.mu.Unlock()
	if s != nil {
		return s.close()
	}
	return nil
}
