package reports

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/paybatch/paybatch/batch/batchtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\n--- got:\n%s", path, got)
	}
}

// xmllintValidate checks doc against the official XSD of v. xmllint is a
// real dependency of the build: CI (make test installs it) fails without it.
func xmllintValidate(t *testing.T, v Pain002Version, doc []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint not found and CI is set: install libxml2-utils (make test does)")
		}
		t.Skipf("xmllint not found: install libxml2-utils to validate against the XSD")
	}
	xsd := filepath.Join(batchtest.CorpusDir(t, "xsd"), string(v)+".xsd")
	f := filepath.Join(t.TempDir(), "report.xml")
	if err := os.WriteFile(f, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err != nil {
		t.Fatalf("xmllint --schema %s: %v\n%s\n%s", filepath.Base(xsd), err, out, doc)
	}
}
