package reports

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestReportName(t *testing.T) {
	if got := ReportName("b42", StageFinal, "pain002.xml"); got != "b42.final.pain002.xml" {
		t.Errorf("ReportName = %s", got)
	}
	if got := ReportName("../../etc/x", StageAck, "summary.csv"); got != "_.._etc_x.ack.summary.csv" {
		t.Errorf("ReportName escapes: %s", got)
	}
	if got := seqName("b.final.x.final.pain002.xml", 2); got != "b.final.x.final-2.pain002.xml" {
		t.Errorf("seqName = %s", got)
	}
	if got := seqName("report.xml", 3); got != "report-3.xml" {
		t.Errorf("seqName = %s", got)
	}
}

func TestWriteFileAtomicNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	name := ReportName("b42", StageFinal, "pain002.xml")
	var paths []string
	for _, body := range []string{"first", "second", "third"} {
		p, err := WriteFileAtomic(dir, name, func(w io.Writer) error {
			_, err := io.WriteString(w, body)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(p))
		if got, _ := os.ReadFile(p); string(got) != body {
			t.Errorf("%s holds %q, want %q", p, got, body)
		}
	}
	want := []string{"b42.final.pain002.xml", "b42.final-2.pain002.xml", "b42.final-3.pain002.xml"}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %v, want %v", paths, want)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, want[0])); string(got) != "first" {
		t.Errorf("first report overwritten: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files in the directory, want 3 (temporary files left?)", len(entries))
	}
}

func TestWriteFileAtomicFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	boom := errors.New("boom")
	_, err := WriteFileAtomic(dir, "b.ack.pain002.xml", func(w io.Writer) error {
		io.WriteString(w, "<half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom wrapped", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %d files", len(entries))
	}
	if _, err := WriteFileAtomic(dir, "../x", func(io.Writer) error { return nil }); err == nil {
		t.Error("a name with a path was accepted")
	}
}
