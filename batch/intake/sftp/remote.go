package sftp

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/pkg/sftp"

	"github.com/paybatch/paybatch/batch/intake"
)

// maxSuffix bounds the search for a free name.
const maxSuffix = 10000

// moveUnique renames src into dir as name, name-2, ... never replacing an
// existing file. Plain SFTP rename is specified to fail when the target
// exists (OpenSSH implements it with link+unlink), and we look first too,
// for servers that are lax about it. taken can reserve further names.
func (c *conn) moveUnique(cl *sftp.Client, src, dir, name string, taken func(string) bool) (string, error) {
	for n := 1; n <= maxSuffix; n++ {
		cand := intake.SuffixedName(name, n)
		dst := path.Join(dir, cand)
		if _, err := cl.Lstat(dst); err == nil || (taken != nil && taken(cand)) {
			continue
		}
		err := cl.Rename(src, dst)
		if err == nil {
			return dst, nil
		}
		if err = c.classify(err); errors.Is(err, intake.ErrUnavailable) {
			return "", err
		}
		if _, lerr := cl.Lstat(dst); lerr == nil {
			continue // lost a race for this name
		}
		if _, serr := cl.Lstat(src); errors.Is(serr, fs.ErrNotExist) {
			return "", fmt.Errorf("move %s: %w", src, fs.ErrNotExist)
		}
		return "", fmt.Errorf("move %s to %s: %w", src, dst, err)
	}
	return "", fmt.Errorf("move %s: no free name in %s", src, dir)
}
