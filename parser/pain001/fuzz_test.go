package pain001

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			mustFF01(t, err)
			return
		}
		if !supported[r.Header().Format] {
			t.Fatalf("opened unsupported format %q", r.Header().Format)
		}
		n := 0
		for {
			p, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				mustFF01(t, err)
				if _, again := r.Next(); again != err {
					t.Fatalf("error not sticky: %v then %v", err, again)
				}
				return
			}
			n++
			if p.Index != n || p.Row != 0 {
				t.Fatalf("payment %d has Index %d Row %d", n, p.Index, p.Row)
			}
			infos := r.Infos()
			if p.Info == nil || p.Info != infos[len(infos)-1] {
				t.Fatalf("payment %d does not point to the open block", n)
			}
			if p.Valid() && p.Amount.Currency == "" {
				t.Fatalf("valid payment %d without currency", n)
			}
		}
		for i, in := range r.Infos() {
			if in.Index != i+1 {
				t.Fatalf("block %d has Index %d", i+1, in.Index)
			}
		}
		if _, err := r.Next(); err != io.EOF {
			t.Fatalf("Next after EOF = %v", err)
		}
	})
}

func mustFF01(t *testing.T, err error) {
	t.Helper()
	var fe *batch.FileError
	if !errors.As(err, &fe) || fe.Code != batch.FF01 || fe.Message == "" {
		t.Fatalf("error %v (%T) is not an FF01 FileError", err, err)
	}
}
