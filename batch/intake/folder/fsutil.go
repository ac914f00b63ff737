package folder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/paybatch/paybatch/batch/intake"
)

// maxSuffix bounds the search for a free name; reaching it means something
// is badly wrong (a loop, a full archive), not that we should keep going.
const maxSuffix = 10000

// placeUnique moves src into dir under name, or name-2, name-3... if taken.
// A hard link is the no-overwrite primitive (link fails if the target
// exists, even when two processes race); file systems without hard links
// fall back to check-then-rename. Returns the final path.
func placeUnique(src, dir, name string, taken func(string) bool) (string, error) {
	for n := 1; n <= maxSuffix; n++ {
		cand := intake.SuffixedName(name, n)
		if taken != nil && taken(cand) {
			continue
		}
		dst := filepath.Join(dir, cand)
		err := os.Link(src, dst)
		if err == nil {
			if err := os.Remove(src); err != nil {
				_ = os.Remove(dst) // keep one copy, not two
				return "", fmt.Errorf("move %s: %w", src, err)
			}
			syncDir(dir)
			return dst, nil
		}
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("move %s: %w", src, err)
		}
		// No hard links here (some network shares): the check and the
		// rename are two steps, acceptable because names in our own
		// sub-folders are only written by paybatch.
		if _, lerr := os.Lstat(dst); lerr == nil {
			continue
		}
		if err := os.Rename(src, dst); err != nil {
			return "", fmt.Errorf("move %s: %w", src, err)
		}
		syncDir(dir)
		return dst, nil
	}
	return "", fmt.Errorf("move %s: no free name for %q in %s", src, name, dir)
}

// syncDir makes a rename durable. Best effort: some file systems refuse to
// fsync a directory, and the rename itself already happened.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// exists reports whether path exists without following a symlink.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
