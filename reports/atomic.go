package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoName is returned when no free report name was found.
var ErrNoName = errors.New("reports: no free report name")

// maxSeq bounds the "-N" suffixes tried before giving up.
const maxSeq = 1000

// ReportName is the file name of a report: "<batchid>.<stage>.<kind>",
// e.g. "b42.ack.pain002.xml", "b42.final.summary.csv". The batch ID is
// reduced to file-name-safe characters so it cannot leave the directory.
func ReportName(batchID string, stage Stage, kind string) string {
	return safeName(batchID) + "." + string(stage) + "." + safeName(kind)
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "_"
	}
	return out
}

// seqName inserts "-n" after the stage in a ReportName
// ("b42.final.pain002.xml" → "b42.final-2.pain002.xml"), or before the
// extension of any other name.
func seqName(name string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	for _, st := range []Stage{StageFinal, StageAck} {
		tok := "." + string(st) + "."
		if i := strings.LastIndex(name, tok); i >= 0 {
			at := i + len(tok) - 1
			return name[:at] + suffix + name[at:]
		}
	}
	ext := filepath.Ext(name)
	return strings.TrimSuffix(name, ext) + suffix + ext
}

// WriteFileAtomic writes a report into dir so that nobody ever sees half of
// it and no existing report is replaced: the content goes to a temporary
// file in the same directory (same file system, so the final step is
// atomic), is fsynced, and is then hard-linked to the first free name of
// name, name with "-2", "-3"… (link fails instead of overwriting, unlike
// rename). The directory is fsynced so the name survives a crash. It
// returns the path written.
func WriteFileAtomic(dir, name string, write func(io.Writer) error) (path string, err error) {
	if name == "" || name != filepath.Base(name) {
		return "", fmt.Errorf("reports: report name %q must be a plain file name", name)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+name+"-*")
	if err != nil {
		return "", fmt.Errorf("reports: create temporary report: %w", err)
	}
	tmpPath := tmp.Name()
	defer func() {
		// The temporary name goes in every case: after a link it is a
		// second name of the report, after a failure it is debris.
		if rmErr := os.Remove(tmpPath); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) && err == nil {
			err = fmt.Errorf("reports: remove temporary report: %w", rmErr)
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return "", fmt.Errorf("reports: write %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("reports: write %s: %w", name, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", fmt.Errorf("reports: chmod %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("reports: fsync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("reports: close %s: %w", name, err)
	}
	for n := 1; n <= maxSeq; n++ {
		cand := name
		if n > 1 {
			cand = seqName(name, n)
		}
		p := filepath.Join(dir, cand)
		err := os.Link(tmpPath, p)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// File systems without hard links (some network shares):
			// rename after checking, accepting a narrow race with another
			// writer of the same report name.
			if _, statErr := os.Lstat(p); statErr == nil {
				continue
			}
			if err := os.Rename(tmpPath, p); err != nil {
				return "", fmt.Errorf("reports: publish %s: %w", cand, err)
			}
		}
		if err := syncDir(dir); err != nil {
			return p, err
		}
		return p, nil
	}
	return "", fmt.Errorf("%w: %s and %d numbered variants exist in %s", ErrNoName, name, maxSeq-1, dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("reports: open report directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("reports: fsync report directory: %w", err)
	}
	return nil
}
