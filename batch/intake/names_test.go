package intake_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"pain.001.xml", true},
		{"Lohn März 2026.xlsx", true},
		{"", false}, {".", false}, {"..", false},
		{"../x", false}, {"a/b", false}, {`a\b`, false}, {"/abs", false},
		{"nul\x00", false}, {"tab\t", false}, {"del\x7f", false}, {"c1\u0085", false},
		{"\xff\xfe", false}, {strings.Repeat("a", 256), false},
	} {
		err := intake.CheckName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, intake.ErrUnsafeName) {
			t.Errorf("CheckName(%q) error not ErrUnsafeName: %v", tc.name, err)
		}
	}
}

func TestIgnored(t *testing.T) {
	for name, want := range map[string]bool{
		"pay.csv": false, "pay.xml": false, "pain.001.001.03.xml": false,
		"pay.csv.part": true, "pay.TMP": true, "pay.xml.filepart": true, "a.crdownload": true,
		"~$sheet.xlsx": true, ".hidden": true, ".ack.xml.1a2b.tmp": true, "pay.xml.done": true, "x.lock": true,
	} {
		if got := intake.Ignored(name); got != want {
			t.Errorf("Ignored(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSuffixedName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"a.xml", 1, "a.xml"}, {"a.xml", 2, "a-2.xml"}, {"a.tar.gz", 3, "a.tar-3.gz"}, {"noext", 2, "noext-2"},
	} {
		if got := intake.SuffixedName(tc.in, tc.n); got != tc.want {
			t.Errorf("SuffixedName(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestStability(t *testing.T) {
	s := intake.Stability{MinAge: time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mt := t0.Add(-time.Hour)
	steps := []struct {
		size  int64
		at    time.Duration
		ready bool
	}{
		{10, 0, false},                // first sight
		{10, 30 * time.Second, false}, // unchanged, not long enough
		{20, 61 * time.Second, false}, // grew: starts over
		{20, 90 * time.Second, false},
		{20, 121 * time.Second, true}, // unchanged for MinAge
	}
	for i, st := range steps {
		if got := s.Observe("f", st.size, mt, t0.Add(st.at)); got != st.ready {
			t.Fatalf("step %d: ready = %v, want %v", i, got, st.ready)
		}
	}
	s.Sweep(map[string]bool{})
	if s.Observe("f", 20, mt, t0.Add(200*time.Second)) {
		t.Fatal("forgotten file ready on first sight")
	}
}

func TestBackoffStaysWithinBounds(t *testing.T) {
	b := intake.Backoff{Min: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	for i := range 10 {
		d := b.Next()
		if d <= 0 || d > b.Max {
			t.Fatalf("attempt %d: %v outside (0, %v]", i, d, b.Max)
		}
		if i > 4 && d < b.Max*3/4 {
			t.Fatalf("attempt %d: %v, want near the cap", i, d)
		}
	}
	b.Reset()
	if d := b.Next(); d > b.Min {
		t.Fatalf("after reset: %v, want <= %v", d, b.Min)
	}
}
