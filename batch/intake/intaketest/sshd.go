package intaketest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSHDPath is where the OpenSSH server is expected; `make test` installs it.
const SSHDPath = "/usr/sbin/sshd"

// startTimeout is generous on purpose: CI machines are shared and slow.
const startTimeout = 20 * time.Second

// SSHD is an OpenSSH server on 127.0.0.1 serving SFTP as the current user,
// with a fresh ed25519 host key and a user key allowed to log in. Paths on
// the server are the local file system (no chroot), so a test can prepare
// and inspect Root directly.
type SSHD struct {
	Host       string
	Port       int
	Addr       string        // Host:Port
	User       string        // login name (the current user)
	HostKey    ssh.PublicKey // the server's host key
	UserKey    ssh.Signer    // accepted by the server
	UserKeyPEM []byte        // UserKey as an OpenSSH PEM private key
	Root       string        // an empty directory for the test's files

	t       testing.TB
	dir     string // config, keys, pid file, log
	cfgPath string
	logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{}
}

// HostKeyLine is the host key in authorized_keys format, as the SFTP source's
// HostKey setting expects it.
func (s *SSHD) HostKeyLine() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.HostKey)))
}

// RequireSSHD skips the test when sshd is not installed, unless CI is set:
// there a missing server is a broken setup, not a reason to pass.
func RequireSSHD(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(SSHDPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing in CI (make test-deps installs openssh-server): %v", SSHDPath, err)
		}
		t.Skipf("%s not installed (apt-get install -y openssh-server); skipping SFTP tests", SSHDPath)
	}
}

// StartSSHD starts sshd and stops it when the test ends.
func StartSSHD(t testing.TB) *SSHD {
	t.Helper()
	RequireSSHD(t)
	u, err := user.Current()
	if err != nil {
		t.Fatalf("current user: %v", err)
	}
	dir := t.TempDir()
	s := &SSHD{Host: "127.0.0.1", User: u.Username, t: t, dir: dir, Root: filepath.Join(dir, "root"),
		cfgPath: filepath.Join(dir, "sshd_config"), logPath: filepath.Join(dir, "sshd.log")}
	if err := os.Mkdir(s.Root, 0o700); err != nil {
		t.Fatal(err)
	}
	hostPEM, hostPub := newKey(t)
	userPEM, userPub := newKey(t)
	s.HostKey, s.UserKeyPEM = hostPub, userPEM
	if s.UserKey, err = ssh.ParsePrivateKey(userPEM); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hostKeyPath := write("ssh_host_ed25519_key", hostPEM)
	authPath := write("authorized_keys", ssh.MarshalAuthorizedKey(userPub))
	if os.Geteuid() == 0 {
		// sshd refuses to start as root without its privilege separation
		// directory, which a fresh container may not have yet.
		_ = os.MkdirAll("/run/sshd", 0o755)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			if b, err := os.ReadFile(s.logPath); err == nil {
				t.Logf("sshd log:\n%s", b)
			}
		}
	})
	var lastErr error
	for range 3 { // the free port we picked can be taken by someone else
		s.Port = freePort(t)
		s.Addr = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
		cfg := fmt.Sprintf(`ListenAddress 127.0.0.1
Port %d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
AllowUsers %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
ForceCommand internal-sftp
MaxStartups 100
LogLevel VERBOSE
`, s.Port, hostKeyPath, filepath.Join(dir, "sshd.pid"), authPath, s.User)
		write("sshd_config", []byte(cfg))
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("start sshd: %v", lastErr)
	return nil
}

func newKey(t testing.TB) (pemBytes []byte, pub ssh.PublicKey) {
	t.Helper()
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(sk, "")
	if err != nil {
		t.Fatal(err)
	}
	if pub, err = ssh.NewPublicKey(pk); err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), pub
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs sshd in the foreground (-D) logging to a file (-e) and waits
// until it accepts connections or exits.
func (s *SSHD) start() error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(SSHDPath, "-D", "-e", "-f", s.cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	exit := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exit) }()
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			s.mu.Lock()
			s.cmd, s.exit = cmd, exit
			s.mu.Unlock()
			return nil
		}
		select {
		case <-exit:
			b, _ := os.ReadFile(s.logPath)
			return fmt.Errorf("sshd exited at start-up: %s", lastLines(string(b), 5))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			killTree(cmd.Process.Pid)
			<-exit
			return fmt.Errorf("sshd did not accept connections on %s within %v", s.Addr, startTimeout)
		}
	}
}

// Stop kills sshd and every session process it forked (those survive their
// parent otherwise, and a "stopped" server would keep serving old clients).
func (s *SSHD) Stop() {
	s.mu.Lock()
	cmd, exit := s.cmd, s.exit
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	killTree(cmd.Process.Pid)
	<-exit
}

// Restart stops sshd and starts it again on the same port with the same
// keys, as a server coming back after an outage.
func (s *SSHD) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	deadline := time.Now().Add(startTimeout)
	for {
		// The port can linger for a moment after the kill; retry.
		if err = s.start(); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("restart sshd: %v", err)
	}
}

// killTree SIGKILLs pid and its descendants, found through /proc by parent
// pid: only processes this harness started are touched.
func killTree(pid int) {
	for _, c := range children(pid) {
		killTree(c)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

func children(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// Fields after the command (which may contain spaces) in parens:
		// state ppid ...
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, n)
		}
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
