package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/paybatch/paybatch/batch/intake/intaketest"
)

// TestDaemonSFTP runs the daemon against a real OpenSSH server: a pain.001
// uploaded in two slow chunks goes through and both pain.002 reports appear
// in the remote outbox, complete; the file is archived remotely. A second
// server entry with the wrong pinned host key is refused with a clear log
// line while the folder inbox keeps working.
func TestDaemonSFTP(t *testing.T) {
	srv := intaketest.StartSSHD(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := os.WriteFile(keyFile, srv.UserKeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	wrongLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(wrong)))
	remoteIn, remoteOut := filepath.Join(srv.Root, "in"), filepath.Join(srv.Root, "out")
	for _, d := range []string{remoteIn, remoteOut, filepath.Join(srv.Root, "in2")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	// min_age is far above the pause between the two chunks, so the half
	// file is never stable long enough to be taken.
	block := fmt.Sprintf(`sftp:
  - name: erp
    host: %[1]s
    port: %[2]d
    user: %[3]s
    key_file: %[4]s
    host_key: %[5]q
    inbox: %[6]s
    outbox: %[7]s
    poll_interval: 300ms
    min_age: 2s
  - name: impostor
    host: %[1]s
    port: %[2]d
    user: %[3]s
    key_file: %[4]s
    host_key: %[8]q
    inbox: %[9]s
    poll_interval: 300ms
`, srv.Host, srv.Port, srv.User, keyFile, srv.HostKeyLine(), remoteIn, remoteOut, wrongLine, filepath.Join(srv.Root, "in2"))
	cfg := daemonConfig(t, dir, "sftp: []\n", block)
	d := startChild(t, "daemon", dir, nil, "run", "--config", cfg)
	d.waitFor("daemon running", func() bool { return strings.Contains(d.stderr.String(), `msg="daemon running"`) })

	// The server's paths are the local file system: writing into the
	// remote inbox here is what an upload does, chunk by chunk.
	pain, err := os.ReadFile("../../samples/supplier-payments.pain.001.001.09.xml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(remoteIn, "erp-batch.xml"))
	if err != nil {
		t.Fatal(err)
	}
	half := len(pain) / 2
	if _, err := f.Write(pain[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := f.Write(pain[half:]); err != nil {
		t.Fatal(err)
	}
	f.Close()

	// Meanwhile the folder inbox works despite the impostor server.
	daemonTestWrite(t, filepath.Join(dir, "inbox"), "local.csv", payoutCSV(t, "LOC", 3))

	var id, localID string
	d.waitFor("sftp file accepted", func() bool { id, _ = d.batchOf("file accepted", "erp-batch.xml"); return id != "" })
	d.waitFor("folder file accepted", func() bool { localID, _ = d.batchOf("file accepted", "local.csv"); return localID != "" })
	d.waitFor("remote final report", func() bool { return daemonTestExists(filepath.Join(remoteOut, id+".final.pain002.xml")) })
	d.waitFor("local final report", func() bool {
		return daemonTestExists(filepath.Join(dir, "outbox", localID+".final.pain002.xml"))
	})
	for _, stage := range []string{"ack", "final"} {
		xml := daemonTestRead(t, filepath.Join(remoteOut, id+"."+stage+".pain002.xml"))
		if !strings.HasSuffix(strings.TrimSpace(xml), "</Document>") {
			t.Errorf("remote %s report is not a complete document:\n%s", stage, xml)
		}
	}
	if strings.Count(d.stderr.String(), `msg="file accepted" source=erp file=erp-batch.xml`) != 1 {
		t.Error("the uploaded file was not taken exactly once")
	}
	if !regexpContains(d.stderr.String(), `msg="file accepted" source=erp file=erp-batch.xml .* valid=10 invalid=0`) {
		t.Error("the uploaded file was not taken complete")
	}
	d.waitFor("remote archive", func() bool {
		m, _ := filepath.Glob(filepath.Join(remoteIn, "archive", "*", "erp-batch.xml"))
		return len(m) == 1
	})
	if m, _ := filepath.Glob(filepath.Join(remoteIn, "failed", "*")); len(m) != 0 {
		t.Errorf("remote failed/ holds %v", m)
	}
	if m := regexp.MustCompile(`.*level=ERROR .*source=impostor.*host key mismatch.*`).FindString(d.stderr.String()); m == "" {
		t.Error("no clear log line about the impostor's host key")
	} else {
		t.Logf("impostor refused: %s", m)
	}
	if code := d.stop(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
}
