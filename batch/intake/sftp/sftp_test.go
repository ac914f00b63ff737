package sftp_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pkgsftp "github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/intaketest"
	"github.com/paybatch/paybatch/batch/intake/sftp"
)

// config returns a source config for srv with inbox dir.
func config(t *testing.T, srv *intaketest.SSHD, dir string) sftp.Config {
	return sftp.Config{
		Name: "erp", Host: srv.Host, Port: srv.Port, User: srv.User,
		Key: string(srv.UserKeyPEM), HostKey: srv.HostKeyLine(),
		Inbox: dir, Instance: "test", StagingDir: t.TempDir(),
		MinAge: 30 * time.Millisecond, DialTimeout: 10 * time.Second,
	}
}

func newSource(t *testing.T, cfg sftp.Config) *sftp.Source {
	t.Helper()
	s, err := sftp.New(cfg)
	if err != nil {
		t.Fatalf("new sftp source: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func inbox(t *testing.T, srv *intaketest.SSHD) string {
	t.Helper()
	dir, err := os.MkdirTemp(srv.Root, "inbox-")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConformance(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	intaketest.RunSourceSuite(t, func(t *testing.T) intaketest.Env {
		dir := inbox(t, srv)
		return intaketest.Env{Dir: dir, New: func(t *testing.T, o intaketest.Options) intake.Source {
			cfg := config(t, srv, dir)
			cfg.MinAge, cfg.Now = o.MinAge, o.Now
			if o.Instance != "" {
				cfg.Instance = o.Instance
			}
			return newSource(t, cfg)
		}}
	})
}

// sender is an ERP uploading over SFTP, as opposed to the test writing files.
func sender(t *testing.T, srv *intaketest.SSHD) *pkgsftp.Client {
	t.Helper()
	sc, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User: srv.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(srv.UserKey)},
		HostKeyCallback: ssh.FixedHostKey(srv.HostKey), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("sender dial: %v", err)
	}
	c, err := pkgsftp.NewClient(sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); sc.Close() })
	return c
}

func TestSlowUploadTakenOnlyWhenComplete(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	dir := inbox(t, srv)
	src := newSource(t, config(t, srv, dir))
	up := sender(t, srv)
	f, err := up.Create(filepath.Join(dir, "pain.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("<Document>")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the half file is never offered, however often we look
		if c, err := src.Scan(context.Background()); err != nil || len(c) != 0 {
			t.Fatalf("scan during upload: %v %+v", err, c)
		}
	}
	if _, err := f.Write([]byte("</Document>")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if c, err := src.Scan(context.Background()); err != nil || len(c) != 0 {
		t.Fatalf("scan right after the last chunk: %v %+v", err, c)
	}
	got := intaketest.ClaimWhenReady(t, src, "pain.xml")
	b, err := os.ReadFile(got.LocalPath)
	if err != nil || string(b) != "<Document></Document>" {
		t.Fatalf("staged %q, %v", b, err)
	}
}

func TestOutboxOnServer(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	dir := inbox(t, srv)
	cfg := config(t, srv, dir)
	cfg.VerifyChecksum = true
	cfg.Outbox = filepath.Join(dir, "reports")
	ob := newSource(t, cfg).Outbox()
	body := strings.Repeat("<TxInfAndSts/>\n", 10000) // several SFTP packets
	p, err := ob.Put(context.Background(), "pain002.xml", func(w io.Writer) error { _, err := io.WriteString(w, body); return err })
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if p != filepath.Join(cfg.Outbox, "pain002.xml") {
		t.Fatalf("path %q", p)
	}
	if names := intaketest.List(t, cfg.Outbox); len(names) != 1 || names[0] != "pain002.xml" {
		t.Fatalf("outbox holds %v, want only the report", names)
	}
	if b, _ := os.ReadFile(p); string(b) != body {
		t.Fatal("report content differs")
	}
}

func TestHostKeyVerified(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	dir := inbox(t, srv)

	t.Run("WrongPinnedKeyRefused", func(t *testing.T) {
		_, other := otherKey(t)
		cfg := config(t, srv, dir)
		cfg.HostKey = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(other)))
		_, err := newSource(t, cfg).Scan(context.Background())
		var hk *sftp.HostKeyError
		if !errors.As(err, &hk) {
			t.Fatalf("err = %v, want *HostKeyError", err)
		}
		if !errors.Is(err, intake.ErrUntrusted) || errors.Is(err, intake.ErrUnavailable) {
			t.Errorf("err = %v: want intake.ErrUntrusted (logged as an error), not ErrUnavailable", err)
		}
		msg := err.Error()
		for _, want := range []string{srv.Addr, ssh.FingerprintSHA256(srv.HostKey), ssh.FingerprintSHA256(other)} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q does not name %q", msg, want)
			}
		}
	})
	t.Run("KnownHostsFile", func(t *testing.T) {
		kh := filepath.Join(t.TempDir(), "known_hosts")
		line := "[127.0.0.1]:" + itoa(srv.Port) + " " + srv.HostKeyLine() + "\n"
		if err := os.WriteFile(kh, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := config(t, srv, dir)
		cfg.HostKey, cfg.KnownHosts = "", kh
		if _, err := newSource(t, cfg).Scan(context.Background()); err != nil {
			t.Fatalf("scan with known_hosts: %v", err)
		}
	})
	t.Run("UnknownHostRefused", func(t *testing.T) {
		kh := filepath.Join(t.TempDir(), "known_hosts")
		if err := os.WriteFile(kh, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := config(t, srv, dir)
		cfg.HostKey, cfg.KnownHosts = "", kh
		_, err := newSource(t, cfg).Scan(context.Background())
		var hk *sftp.HostKeyError
		if !errors.As(err, &hk) || len(hk.Expected) != 0 {
			t.Fatalf("err = %v, want *HostKeyError for an unknown host", err)
		}
	})
	t.Run("NoHostKeyConfigRejected", func(t *testing.T) {
		cfg := config(t, srv, dir)
		cfg.HostKey = ""
		if _, err := sftp.New(cfg); err == nil || !strings.Contains(err.Error(), "host_key or known_hosts is required") {
			t.Fatalf("err = %v, want a config error", err)
		}
	})
}

func TestConfigNeverLogsSecrets(t *testing.T) {
	cfg := sftp.Config{Host: "h", User: "u", Password: "hunter2", Key: "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret"}
	var sb strings.Builder
	logger := slogText(&sb)
	logger.Info("config", "sftp", cfg)
	if out := sb.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "secret") {
		t.Fatalf("secret in log: %s", out)
	}
}

// TestServerRestart runs Watch while the server goes away and comes back:
// nothing is lost, nothing is handed over twice, and a file claimed before
// the outage is finished after it.
func TestServerRestart(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	dir := inbox(t, srv)
	cfg := config(t, srv, dir)
	cfg.Now = func() time.Time { return time.Date(2026, 5, 6, 12, 0, 0, 0, time.Local) }
	src := newSource(t, cfg)

	var mu sync.Mutex
	handled := map[string]int{}
	claimed := map[string]*intake.Claimed{}
	count := func(name string) int { mu.Lock(); defer mu.Unlock(); return handled[name] }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		intake.Watch(ctx, src, 20*time.Millisecond, func(_ context.Context, f *intake.Claimed) {
			mu.Lock()
			defer mu.Unlock()
			handled[f.Name]++
			claimed[f.Name] = f
		})
	}()
	t.Cleanup(func() { cancel(); <-done })

	intaketest.WriteFile(t, dir, "before.csv", "1")
	waitFor(t, "before.csv handled", func() bool { return count("before.csv") == 1 })

	srv.Stop()
	intaketest.WriteFile(t, dir, "during-1.csv", "2")
	intaketest.WriteFile(t, dir, "during-2.csv", "3")
	srv.Restart()

	waitFor(t, "files uploaded during the outage handled", func() bool {
		return count("during-1.csv") == 1 && count("during-2.csv") == 1
	})
	mu.Lock()
	files := []*intake.Claimed{claimed["before.csv"], claimed["during-1.csv"], claimed["during-2.csv"]}
	mu.Unlock()
	for _, f := range files {
		waitFor(t, "finish "+f.Name, func() bool {
			err := src.Finish(context.Background(), f, intake.Outcome{})
			if err != nil && !errors.Is(err, intake.ErrUnavailable) {
				t.Fatalf("finish %s: %v", f.Name, err)
			}
			return err == nil
		})
	}
	day := filepath.Join(dir, "archive", "2026-05-06")
	if got := intaketest.List(t, day); strings.Join(got, ",") != "before.csv,during-1.csv,during-2.csv" {
		t.Fatalf("archive holds %v", got)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for name, n := range handled {
		if n != 1 {
			t.Errorf("%s handled %d times", name, n)
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(intaketest.Deadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
