// Package batchtest holds helpers shared by paybatch's tests. It is imported
// by _test.go files only.
package batchtest

import (
	"os"
	"path/filepath"
	"testing"
)

// CorpusDir returns the path of ../shared/corpus (joined with sub) next to the
// repository, or $PAYBATCH_CORPUS when set. The corpus is never copied into
// the repository, so a test that needs it is skipped, with a message saying
// where it looked, when it is absent.
func CorpusDir(tb testing.TB, sub ...string) string {
	tb.Helper()
	dir, ok := findCorpus()
	if !ok {
		tb.Skipf("corpus not found: set PAYBATCH_CORPUS or put shared/corpus beside the repository (looked upward from the module root for ../shared/corpus)")
	}
	p := filepath.Join(append([]string{dir}, sub...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("corpus path %s absent: %v", p, err)
	}
	return p
}

// LookupCorpus is CorpusDir for callers that must not skip, such as a
// fuzz target adding seeds: ok is false when the path is absent.
func LookupCorpus(sub ...string) (dir string, ok bool) {
	dir, ok = findCorpus()
	if !ok {
		return "", false
	}
	p := filepath.Join(append([]string{dir}, sub...)...)
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

func findCorpus() (string, bool) {
	if d := os.Getenv("PAYBATCH_CORPUS"); d != "" {
		return d, true
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	// Walk up to the module root (go.mod), then look beside it.
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "corpus")
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c, true
			}
			return "", false
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}
