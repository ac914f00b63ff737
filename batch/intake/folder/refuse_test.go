package folder_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/folder"
	"github.com/paybatch/paybatch/batch/intake/intaketest"
)

func TestSymlinkMovedToFailedNotFollowed(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	intaketest.WriteFile(t, outside, "secret.csv", "do not read")
	if err := os.Symlink(secret, filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true})
	for range 3 {
		c, err := src.Scan(context.Background())
		if err != nil || len(c) != 0 {
			t.Fatalf("scan: %v %+v", err, c)
		}
	}
	st, err := os.Lstat(filepath.Join(dir, "failed", "link.csv"))
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("failed/link.csv: %v %v; want the link itself moved there", st, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "failed", "link.csv.error.txt"))
	if err != nil || !strings.Contains(string(b), "not a regular file") {
		t.Fatalf("explanation %q, %v", b, err)
	}
	if b, _ := os.ReadFile(secret); string(b) != "do not read" {
		t.Fatal("link target touched")
	}
}

func TestUnsafeNamesRefused(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true})
	for _, c := range []intake.Candidate{
		{Name: "..", Path: filepath.Join(dir, "..")},
		{Name: "../passwd", Path: filepath.Join(dir, "../passwd")},
		{Name: "passwd", Path: "/etc/passwd"},
		{Name: "a/b.csv", Path: filepath.Join(dir, "a/b.csv")},
		{Name: "nul\x00.csv", Path: filepath.Join(dir, "nul\x00.csv")},
		{Name: "line\n.csv", Path: filepath.Join(dir, "line\n.csv")},
		{Name: "ok.csv", Path: filepath.Join(dir, "sub", "ok.csv")},
	} {
		if _, err := src.Claim(context.Background(), c); !errors.Is(err, intake.ErrUnsafeName) {
			t.Errorf("claim %q at %q: err = %v, want ErrUnsafeName", c.Name, c.Path, err)
		}
	}
	bogus := &intake.Claimed{Candidate: intake.Candidate{Name: "passwd"}, ProcessingPath: "/etc/passwd"}
	if err := src.Finish(context.Background(), bogus, intake.Outcome{}); !errors.Is(err, intake.ErrUnsafeName) {
		t.Errorf("finish outside processing: err = %v, want ErrUnsafeName", err)
	}
	// A real file whose name holds a control character is never offered.
	intaketest.WriteFile(t, dir, "evil\r.csv", "x")
	for range 3 {
		if c, err := src.Scan(context.Background()); err != nil || len(c) != 0 {
			t.Fatalf("scan: %v %+v", err, c)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEmptyFileClaimedForThePipelineToReject(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, MinAge: 10 * time.Millisecond})
	intaketest.WriteFile(t, dir, "empty.csv", "")
	if f := intaketest.ClaimWhenReady(t, src, "empty.csv"); f.Size != 0 {
		t.Fatalf("size %d", f.Size)
	}
}

func TestMarkerMode(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, Marker: true})
	intaketest.WriteFile(t, dir, "pay.xml", "<Document/>")
	for range 3 {
		if c, err := src.Scan(context.Background()); err != nil || len(c) != 0 {
			t.Fatalf("taken without its marker: %v %+v", err, c)
		}
		time.Sleep(5 * time.Millisecond)
	}
	intaketest.WriteFile(t, dir, "pay.xml.done", "")
	intaketest.ClaimWhenReady(t, src, "pay.xml")
	if intaketest.Exists(dir, "pay.xml.done") {
		t.Fatal("marker left behind; a re-upload of pay.xml would be taken before it is complete")
	}
}

func TestConfigRefusesOutboxInInbox(t *testing.T) {
	dir := t.TempDir()
	if _, err := folder.New(folder.Config{Inboxes: []string{dir}, Outbox: dir}); err == nil {
		t.Fatal("outbox = inbox accepted")
	}
}

func TestDeleteAfter(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, DeleteAfter: true})
	intaketest.WriteFile(t, dir, "gone.csv", "x")
	f := intaketest.ClaimWhenReady(t, src, "gone.csv")
	if err := src.Finish(context.Background(), f, intake.Outcome{}); err != nil {
		t.Fatal(err)
	}
	if intaketest.Exists(dir, "processing/gone.csv") || intaketest.Exists(dir, "archive") {
		t.Fatal("file kept")
	}
	// A failed file is kept even in delete mode: someone has to look at it.
	intaketest.WriteFile(t, dir, "bad.csv", "x")
	f = intaketest.ClaimWhenReady(t, src, "bad.csv")
	if err := src.Finish(context.Background(), f, intake.Outcome{Failed: true, Explanation: "FF01"}); err != nil {
		t.Fatal(err)
	}
	if !intaketest.Exists(dir, "failed/bad.csv") {
		t.Fatal("failed file deleted")
	}
}
