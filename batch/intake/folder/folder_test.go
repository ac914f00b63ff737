package folder_test

import (
	"testing"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/intake/folder"
	"github.com/paybatch/paybatch/batch/intake/intaketest"
)

func newSource(t *testing.T, cfg folder.Config) *folder.Source {
	t.Helper()
	s, err := folder.New(cfg)
	if err != nil {
		t.Fatalf("new folder source: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	intaketest.RunSourceSuite(t, func(t *testing.T) intaketest.Env {
		dir := t.TempDir()
		return intaketest.Env{Dir: dir, New: func(t *testing.T, o intaketest.Options) intake.Source {
			return newSource(t, folder.Config{Name: "drop", Inboxes: []string{dir}, MinAge: o.MinAge, Now: o.Now})
		}}
	})
}
