package folder_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/folder"
	"github.com/paybatch/paybatch/batch/intake/intaketest"
)

// scanUntil scans until a candidate named name is offered.
func scanUntil(t *testing.T, src *folder.Source, name string) intake.Candidate {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		cs, err := src.Scan(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("%s never offered", name)
	return intake.Candidate{}
}

// A file swapped for a symlink to /etc/passwd after Scan offered it is
// refused by Claim: the link is moved to failed/, its target never read.
func TestHostileSymlinkSwappedInAfterScan(t *testing.T) {
	dir := t.TempDir()
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, MinAge: time.Millisecond})
	intaketest.WriteFile(t, dir, "pay.csv", "a,b\n")
	c := scanUntil(t, src, "pay.csv")
	p := filepath.Join(dir, "pay.csv")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", p); err != nil {
		t.Fatal(err)
	}
	cl, err := src.Claim(context.Background(), c)
	if !errors.Is(err, intake.ErrNotRegular) || cl != nil {
		t.Fatalf("claim of a symlink: %+v, %v; want ErrNotRegular", cl, err)
	}
	st, err := os.Lstat(filepath.Join(dir, "failed", "pay.csv"))
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("failed/pay.csv: %v; want the link itself there", err)
	}
	expl, _ := os.ReadFile(filepath.Join(dir, "failed", "pay.csv.error.txt"))
	if strings.Contains(string(expl), "root:") {
		t.Fatal("the link target's content leaked into the explanation")
	}
}

// A FIFO in the inbox would block a reader forever; a directory named like
// a payout file is not input. Neither is offered, and scanning returns.
func TestHostileSpecialFilesNeverOffered(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.csv"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.csv"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "up.csv")); err != nil {
		t.Fatal(err)
	}
	src := newSource(t, folder.Config{Inboxes: []string{dir}, NoWatch: true, MinAge: time.Millisecond})
	for range 3 {
		cs, err := src.Scan(context.Background())
		if err != nil || len(cs) != 0 {
			t.Fatalf("scan: %v %+v", err, cs)
		}
		time.Sleep(3 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(dir, "dir.csv")); err != nil {
		t.Fatalf("a directory in the inbox was touched: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "failed", "pipe.csv")); err != nil {
		t.Fatalf("the FIFO was not moved to failed/: %v", err)
	}
}

// Names with "..", NUL, newline or a separator are refused by CheckName,
// whatever the path they claim.
func TestHostileNamesRefusedByCheckName(t *testing.T) {
	for _, n := range []string{"..", ".", "../x.csv", "a/../b.csv", "x\x00.csv", "x\n.csv", "x\r.csv", `a\b.csv`, "", strings.Repeat("a", 300) + ".csv", "\xff\xfe.csv"} {
		if err := intake.CheckName(n); err == nil {
			t.Errorf("CheckName(%q) accepted", n)
		}
	}
	for _, n := range []string{"payroll.csv", "Zahlungen März.xml", "a..b.csv"} {
		if err := intake.CheckName(n); err != nil {
			t.Errorf("CheckName(%q): %v", n, err)
		}
	}
}
